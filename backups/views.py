from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def data_management(request):
    return render(request, "backups/data_management.html")
