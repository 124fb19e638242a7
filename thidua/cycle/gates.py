"""What each stage needs before the cycle may enter it, and what entering it does.

The stages, their readiness checks and entry actions are rows of the year's table
(`thidua.cycle.workflow.STAGES`); these names stay for the pages and the API that read them.
"""

from __future__ import annotations

from thidua.cycle.workflow import next_stage, on_enter, problems_before

__all__ = ["next_stage", "on_enter", "problems_before"]
