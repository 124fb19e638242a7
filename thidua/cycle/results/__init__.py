"""The units' results (step 5): the forms of results, evidence and returns, the Excel templates and
uploads, and the plausibility warnings on a unit's figures."""
