"""What-if planning: scenarios applied to copies of a period's problem, sweeps of them on Ray,
their KPIs, licence recommendations and the coverage register."""
