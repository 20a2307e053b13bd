"""The answer path, one module per stage: understand → retrieve → rank → select → render.

`assistant.api.Assistant.ask` runs the stages in order; nothing outside this package calls them
one by one except the evaluation's single-signal baselines.
"""
