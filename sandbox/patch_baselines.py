"""(being written)"""


def install():
    pass
