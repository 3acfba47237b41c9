"""Alert drills: every alert path exercised for real, its outcome kept as evidence (DPP-MON-8,
DPP-VER-4). ``paths`` is data (the alarm catalogue reads it); ``alert_drill`` the construct."""
