"""What the pages, the CLI, the stills, the decks and the public site show, from assessments (tracker.assess).

One job per module, lowest first (a module imports only siblings listed before it):

- labels        the names of units, targets, periods and measures; the caption every figure carries
- memo          figures derived from a snapshot, kept until the snapshot goes
- downloads     CSV and Excel tables, the value-status column
- tables        the rows and tables of targets and tasks, for display and download
- picture       one unit's progress picture as rows, and what is listed instead of charted
- figures       the Plotly style (screen, stills, slides) and a target's progress chart; picture_figure,
                the progress picture drawn; timeline, the tasks' timeline; svg_chart, the site's SVG charts
- overview      counts, cards, the matrix and the attention list
- presenting    presentation mode's picture in parts that fit a screen; textfit, text that fits a slide's box
- briefing/     png (the headless browser), charts (a unit's stills), deck (PowerPoint), pdf (the A4 brief)
- screen_figure, unit_page   a figure prepared for every viewer; a unit's page built once per snapshot
- letter, publish   the reminder letters; the static public site

No Streamlit here: the web layer above draws what these return. This file imports nothing, so reaching
one module does not load the others.
"""
