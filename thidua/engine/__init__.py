"""The scoring and rules engine: pure Python, no Django import.

Everything here takes plain data (dataclasses, dicts, Decimals) and returns plain data, so the web
app, the API and the command line all get the same answers from the same inputs.
"""
