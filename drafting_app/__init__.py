"""Clausier: drafting responsible public contracts and subsidy conventions (French law)."""

__version__ = "0.1.0"
