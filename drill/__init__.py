"""``make drill``: one alert drill now, with the caller's credentials (DPP-MON-8, DPP-VER-4)."""
