from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def catalog_list(request):
    return render(request, "catalog/catalog_list.html")
