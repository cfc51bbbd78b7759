"""The web layer: one package per blueprint, thin routes."""
