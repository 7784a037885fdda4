"""The onboarding issue as data: process config, state, rendering, ticks, desired issue.

Pure: nothing here reads or writes GitHub; the lead's reconcile does the I/O.
"""
