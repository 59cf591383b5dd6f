"""Tether's load generator and benchmarks: ``python -m bench [--quick]``.

One orchestrating process starts the server under test as a child process,
drives one or more client worker processes (asyncio on uvloop, many sockets
each) that speak the Phoenix channel protocol as the browser does, and prints
one table. Everything talks to 127.0.0.1 only, and every step is bounded in
count and time.
"""
