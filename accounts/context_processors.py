from django.utils.functional import SimpleLazyObject

from accounts.access import capabilities


def access(request):
    """`can.read`, `can.record`, `can.manage`: what a page may offer the signed-in person.

    The pages hide what a role cannot do; the check that counts is `accounts.access`, which
    refuses it anyway.
    """
    return {"can": SimpleLazyObject(lambda: capabilities(request.user))}
