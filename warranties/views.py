from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def warranty_list(request):
    return render(request, "warranties/warranty_list.html")
