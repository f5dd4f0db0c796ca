from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def settings_page(request):
    return render(request, "preferences/settings.html")
