"""Lectern's publish step: syndicate new posts to social channels exactly once (`make publish`)."""
