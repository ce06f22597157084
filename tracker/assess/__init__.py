"""Progress against the targets: quarters rolled up to years, a status per target, a projection.

One job per module: rollup (quarters → years by kind), judge (the status of every target, as arrays),
assessment (Assessment, assess, assess_all), milestones (tasks and reporting deadlines), explain (the
sentences), value_kinds (which kind of figure a value rests on), snapshot (all of them, shared). This file imports nothing,
so reaching one module does not load the others.

Pure functions over the catalogue and plain data (a DataFrame like Store.current_observations, or
lists of (period, value)); no Streamlit, no DuckDB.

Statuses of a numeric target (Open SDG's progress measure, after Statistics Canada):

- ``achieved``: the latest value meets the target (for flows, the latest *whole* year; for levels —
  stock, share, rank — the latest value; "khoảng" within the catalogue's tolerance);
- otherwise, with a baseline (the catalogue's, else the first year with data) and a later year:
  ratio = observed compound annual growth / required compound annual growth; ≥ 0.95 ``on_track``,
  ≥ 0.6 ``acceleration``, ≥ 0 ``off_track``, < 0 ``moving_away``. Linear rates replace compound
  ones when a value is zero or negative (method ``linear``) and for ranks (method ``rank``).
  Once the data reach the target year unmet, the status is at best ``off_track``;
- "on average" targets: the mean of the whole years (those from ``from_year`` on, once there are
  any) against the value: meets → ``on_track`` (``achieved`` once the target year is in),
  ≥ 0.6 of it → ``acceleration``, > 0 → ``off_track``, else ``moving_away``; one whole year is
  enough, the mean being the measure itself;
- "every year from <from_year>" targets, before from_year: the rate comparison toward the value at
  from_year; already at the level → ``on_track`` (``achieved`` needs a year from from_year on);
- a target on pace by the rate but whose projection (below) falls short of it in the target year:
  ``acceleration`` (note ``projection_short``), so a status never contradicts the projection beside it;
- direction-only targets: the latest two years (flows: whole years): the right way ``right_way``,
  unchanged ``no_change``, the wrong way ``wrong_way`` (statuses of their own, never a numeric one's);
- ``too_little_data`` (saying what is missing) and ``no_data``.

The work is done on whole arrays (one row per target × sector, one column per year) so that a
million observations assess in well under a second; :func:`assess` runs the same code for one target.
"""
