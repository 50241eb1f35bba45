"""The web service under load: a published demo day, 50 simulated users, page figures."""
