"""The county's own setup: accounts and sign-in, the home pages' figures."""
