"""Passwords: a user changes their own, an administrator asks for a change, a forgotten one is reset by e-mail.

The rooms of an app: services (the writes and the limits), forms, views, urls, plus the authentication backend
and the middleware that keeps a user whose change was asked for on the change page.
"""
