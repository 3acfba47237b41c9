"""AWS Config: recording, delivery into the WORM archive, and rules that watch the baseline
(DPP-LOG-5)."""

from capabilities.config_recorder.baseline_rules import BaselineConfigRules, baseline_rules
from capabilities.config_recorder.recorder import ConfigRecorder, recorder_role

__all__ = ["BaselineConfigRules", "ConfigRecorder", "baseline_rules", "recorder_role"]
