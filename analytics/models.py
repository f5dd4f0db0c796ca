# Analytics owns no tables: its selectors aggregate the purchases and warranties of other apps.
