"""Public tracker of IT action items: /tracker/ pages, item timelines and exports."""

from .action_tracker import TrackerGenerator, register

__all__ = ["TrackerGenerator", "register"]
