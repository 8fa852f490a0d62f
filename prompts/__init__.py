"""Coaching prompt sets shipped as package data (one YAML file per set); read by ``bot.prompts``."""
