"""The day itself: volunteers' links and phone page, stop updates."""
