"""The year's outcome (steps 8–11): award proposals by the cluster's rules, proposals outside the
ranking and the Ministry's review, the eligibility checks, and the draft decision for the register."""
