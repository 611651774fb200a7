# -*- mode: ruby -*-
# approach_2 beyond one node: a 3-machine Swarm — 1 manager + 2 workers — on VirtualBox or
# libvirt. Loaded by the top-level Vagrantfile (`load`). Needs a hypervisor: the Docker provider's
# systemd "VM" cannot run a Docker engine without --privileged, so with it these machines are not
# defined (the Docker-in-Docker variant, `approach_2/up --nodes 3`, needs no VM: README "Cluster
# mode"). Nothing starts by default:
#
#   vagrant up swarm-manager swarm-worker1 swarm-worker2 --provision
#   vagrant ssh swarm-manager -c 'cd /opt/zerodrop && approach_2/up'
#   vagrant destroy -f swarm-manager swarm-worker1 swarm-worker2
#
# Ansible (approach_2/swarm/playbook.yml) installs Debian's docker.io on every node, initialises
# the swarm on the manager, joins the workers with the manager's token, and copies the lab and
# builds its images on every node: there is no registry, and `docker stack deploy
# --resolve-image never` then finds each image locally on whichever node runs the task.
#
# The proxy service is global (one per node, host-mode port 18082), so every node answers on
# 18082 and its HAProxy sees every task through the overlay network's DNS. Only the manager's is
# forwarded to the host, on 127.0.0.1:18082 — the single-node approach_2 uses the same port: run
# approach_2/down on the host first.

ZD_SWARM_BOX = "debian/bookworm64".freeze
ZD_SWARM_ROOT = File.expand_path("..", __dir__)
# A host-only network: the swarm's control (2377/tcp), gossip (7946/tcp+udp) and overlay data
# (4789/udp) traffic stays between the machines. Each node advertises this address — NAT's
# 10.0.2.15 is the same on every VirtualBox machine and would break the overlay.
ZD_SWARM_NODES = {
  "swarm-manager" => "192.168.56.21",
  "swarm-worker1" => "192.168.56.22",
  "swarm-worker2" => "192.168.56.23",
}.freeze

# Defined only with a hypervisor: on a Docker-provider host (ZD_PROVIDER from ../Vagrantfile) they
# could not work, and `vagrant status` stays about approach0.
zd_swarm_possible = !defined?(ZD_PROVIDER) || ZD_PROVIDER != "docker"

Vagrant.configure("2") do |config|
  next unless zd_swarm_possible

  ZD_SWARM_NODES.each_with_index do |(name, ip), index|
    config.vm.define name, autostart: false do |node|
      node.vm.box = ZD_SWARM_BOX
      node.vm.hostname = name
      node.vm.network "private_network", ip: ip
      # Ansible copies the lab; a synced folder would only hide missing steps (as approach0).
      node.vm.synced_folder ".", "/vagrant", disabled: true
      if name == "swarm-manager"
        node.vm.network "forwarded_port", id: "a2-proxy", guest: 18082, host: 18082, host_ip: "127.0.0.1"
      end

      node.vm.provider "virtualbox" do |vb|
        vb.name = "zerodrop-#{name}"
        vb.cpus = 2
        vb.memory = 2048
      end
      node.vm.provider "libvirt" do |lv|
        lv.cpus = 2
        lv.memory = 2048
      end

      # Provision once, from the last machine, for all three: the workers need the token the
      # manager only has after `swarm init` (the usual Vagrant multi-machine + Ansible pattern).
      next unless index == ZD_SWARM_NODES.size - 1

      node.vm.provision "ansible" do |ansible|
        ansible.compatibility_mode = "2.0"
        ansible.config_file = "ansible/ansible.cfg"
        ansible.playbook = "approach_2/swarm/playbook.yml"
        ansible.limit = "all"
        ansible.groups = {
          "swarm_managers" => ["swarm-manager"],
          "swarm_workers" => ["swarm-worker1", "swarm-worker2"],
          "swarm:children" => ["swarm_managers", "swarm_workers"],
        }
        ansible.host_vars = ZD_SWARM_NODES.to_h { |n, addr| [n, { "swarm_advertise_addr" => addr }] }
        ansible.extra_vars = { "zerodrop_src" => ZD_SWARM_ROOT }
      end
    end
  end
end
