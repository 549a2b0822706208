from django.http import Http404


def record(request, person_pk):
    raise Http404


def detail(request, pk):
    raise Http404


def edit(request, pk):
    raise Http404


def summary(request, pk):
    raise Http404
