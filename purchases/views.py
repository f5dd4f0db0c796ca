from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def purchase_list(request):
    return render(request, "purchases/purchase_list.html")
