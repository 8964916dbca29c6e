"""Stand-ins for the external services of `smekg link`, and their recorded, real-shaped data."""
