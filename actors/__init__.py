"""pykka actors: the Supervisor, one UserSession actor per (chat, user), the Scheduler."""
