#!/bin/sh
# Starts a nested dockerd without --privileged (approach_2/README.md "Cluster mode"). docker run
# mounts /sys and the cgroup hierarchy read-only; the nested engine must write them (it makes the
# cgroups of its containers), and the capabilities the node was given allow a remount.
set -eu
mount -o remount,rw /sys
# cgroup v1: a tmpfs with one mount per controller; cgroup v2: /sys/fs/cgroup itself.
for m in /sys/fs/cgroup /sys/fs/cgroup/*/; do
  if mountpoint -q "$m"; then mount -o remount,bind,rw "$m"; fi
done
mkdir -p /run/zerodrop
# Two sockets: the usual one inside, and one the host reaches through the bind mount of
# /run/zerodrop (approach_2's scripts drive each node's engine with it). Group root: the id of
# the docker group inside is another group on the host (measured: _ssh), which must not get root.
exec dockerd --host unix:///var/run/docker.sock --host unix:///run/zerodrop/docker.sock --group root "$@"
