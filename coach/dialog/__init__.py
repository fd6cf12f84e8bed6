"""Dialogs as data, and the pure logic that walks a person through them."""
