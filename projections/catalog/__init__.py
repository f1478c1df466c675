"""The catalog read model: the category tree."""
