"""The reporting cycle after a form is read: approval of submissions, completeness of a window, reminders, going live."""
