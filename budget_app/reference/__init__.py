"""Reference lists used everywhere: sectors, target groups, funding sources, governorates, localities."""
