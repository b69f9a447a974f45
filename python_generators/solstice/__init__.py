"""Solstice Residential Energy Simulation Pack: the synthetic-world generator.

The generator simulates the world and the devices (weather, PV, load, batteries, outages,
markets, programme calls, customer behaviour) and writes what source systems would export.
It never computes money, daily or monthly aggregates, or KPIs: the dbt project does.
"""

__version__ = "0.1.0"
