# Analytics has nothing to edit; its figures appear on the dashboard.
