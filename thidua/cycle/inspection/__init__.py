"""The cross-inspection (steps 6–7): the teams' forms, inspections of the units, and disputes."""
