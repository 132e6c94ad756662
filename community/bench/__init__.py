"""Benchmark data and the HTTP benchmark: ``rukun bench-data`` and ``rukun bench`` (#12).

``data`` builds a database of a given scale (demo, one kelurahan, the whole city) through
the migrations; ``run`` serves it with production settings next to a bare Flask page and
drives both with wrk; ``bare`` is that bare page; ``cli`` holds the two commands.
"""
