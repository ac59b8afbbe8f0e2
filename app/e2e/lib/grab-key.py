"""Holds a global key grab on the X display, as another application's
shortcut would: `python3 grab-key.py ctrl+alt+k` (runs until killed).
Uses libX11 through ctypes, so it needs nothing but the X client library."""
import ctypes
import sys
import time

MODIFIERS = {"shift": 1 << 0, "ctrl": 1 << 2, "alt": 1 << 3, "super": 1 << 6}
LOCKS = [0, 1 << 1, 1 << 4, (1 << 1) | (1 << 4)]  # none, CapsLock, NumLock, both

x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x.XDefaultRootWindow.restype = ctypes.c_ulong
x.XStringToKeysym.restype = ctypes.c_ulong
x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x.XGrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_int]
x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]

display = x.XOpenDisplay(None)
if not display:
    sys.exit("cannot open the X display")
*mods, key = sys.argv[1].lower().split("+")
mask = sum(MODIFIERS[m] for m in mods)
keycode = x.XKeysymToKeycode(display, x.XStringToKeysym(key.encode()))
root = x.XDefaultRootWindow(display)
for lock in LOCKS:
    x.XGrabKey(display, keycode, mask | lock, root, 1, 1, 1)  # GrabModeAsync
x.XSync(display, 0)
print("grabbed", flush=True)
while True:
    time.sleep(3600)
