"""The discrete-event engine (SimPy calendar, heapq events), replications and statistics."""
