"""The units' results (steps 5–7): the forms of results, evidence, inspections and disputes, the Excel
templates and uploads, and the plausibility warnings on a unit's figures."""
