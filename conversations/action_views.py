from django.http import Http404


def action_list(request):
    raise Http404


def action_detail(request, pk):
    raise Http404
