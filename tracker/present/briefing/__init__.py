"""A unit's briefing material made on the server, one job per module: png (the headless Chromium that
draws charts as images), charts (the unit's stills and their zip), deck (the PowerPoint deck) and pdf
(the A4 brief, printed by the same browser). The deck and the brief both build on charts and png, never
on each other. This file imports nothing.
"""
