/* test_spec.c - unit tests of the config.json parser (spec*.c), json.c, the default spec and features. */
#define _GNU_SOURCE
#include "common/json.h"
#include "libhull/ns/netdev.h"
#include "libhull/spec/spec.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>

/* Test inputs are written with ' for " to stay readable; this swaps them back. */
static char *dq(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		if (*p == '\'')
			*p = '"';
	return r;
}

static struct hull_spec *parse_ok(const char *single_quoted)
{
	_cleanup_free_ char *json = dq(single_quoted);
	struct hull_error err = { 0 };
	struct hull_spec *s = NULL;
	int r = hull_spec_parse(json, strlen(json), &s, &err);
	ck_assert_msg(r == 0, "parse failed: %s\ninput: %s", err.msg, json);
	ck_assert_ptr_nonnull(s);
	hull_error_clear(&err);
	return s;
}

/* The error message for a config that must fail (caller frees). */
static char *parse_err_raw(const char *json, size_t len)
{
	struct hull_error err = { 0 };
	struct hull_spec *s = NULL;
	int r = hull_spec_parse(json, len, &s, &err);
	ck_assert_msg(r < 0, "parse unexpectedly succeeded: %.300s", json);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err.msg);
	ck_assert_msg(!strchr(err.msg, '\n'), "message has several lines: %s", err.msg);
	return err.msg;
}

static char *parse_err(const char *single_quoted)
{
	_cleanup_free_ char *json = dq(single_quoted);
	return parse_err_raw(json, strlen(json));
}

static const char *top_dir(void)
{
	const char *t = getenv("HULL_TOP");
	return t && *t ? t : ".";
}

/* ---- the error table: every error path, with its exact message ---------------------- */

#define V "'ociVersion':'1.2.0'"
#define CFG(x) "{" V "," x "}"
#define PROC(x) CFG("'process':{'args':['sh'],'cwd':'/'" x "}")
#define LNX(x) CFG("'linux':{" x "}")
#define USERNS "'namespaces':[{'type':'user'}]"
#define RES(x) LNX("'resources':{" x "}")
#define SEC(x) LNX("'seccomp':{" x "}")

static const struct {
	const char *json;
	const char *msg;
} bad[] = {
	/* document and version */
	{ "[1]", "config.json: expected an object, got an array" },
	{ "\"x\"", "config.json: expected an object, got \"x\"" },
	{ "{'ociVersion':1}", "config.json: ociVersion: expected a string, got 1" },
	/* root */
	{ CFG("'root':'rootfs'"), "config.json: root: expected an object, got \"rootfs\"" },
	{ CFG("'root':{}"), "config.json: root.path: missing required field" },
	{ CFG("'root':{'path':''}"), "config.json: root.path: must not be empty" },
	{ CFG("'root':{'path':'r','readonly':'yes'}"), "config.json: root.readonly: expected a boolean, got \"yes\"" },
	/* mounts */
	{ CFG("'mounts':{}"), "config.json: mounts: expected an array, got an object" },
	{ CFG("'mounts':[5]"), "config.json: mounts[0]: expected an object, got 5" },
	{ CFG("'mounts':[{'destination':'/a'},{'type':'tmpfs'}]"), "config.json: mounts[1].destination: missing required field" },
	{ CFG("'mounts':[{'destination':''}]"), "config.json: mounts[0].destination: must not be empty" },
	{ CFG("'mounts':[{'destination':'/a','type':3}]"), "config.json: mounts[0].type: expected a string, got 3" },
	{ CFG("'mounts':[{'destination':'/a','options':['ro',5]}]"), "config.json: mounts[0].options[1]: expected a string, got 5" },
	{ CFG("'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1,'size':0}]}]"),
	  "config.json: mounts[0].uidMappings[0].size: must be greater than zero" },
	{ CFG("'mounts':[{'destination':'/a','gidMappings':[{'containerID':0,'size':1}]}]"),
	  "config.json: mounts[0].gidMappings[0].hostID: missing required field" },
	/* process */
	{ CFG("'process':[]"), "config.json: process: expected an object, got an array" },
	{ CFG("'process':{'cwd':'/'}"), "config.json: process.args: missing required field" },
	{ CFG("'process':{'cwd':'/','args':[]}"), "config.json: process.args: must not be empty" },
	{ CFG("'process':{'cwd':'/','args':'sh'}"), "config.json: process.args: expected an array, got \"sh\"" },
	{ CFG("'process':{'cwd':'/','args':['sh',null]}"), "config.json: process.args[1]: expected a string, got null" },
	{ CFG("'process':{'args':['sh']}"), "config.json: process.cwd: missing required field" },
	{ CFG("'process':{'args':['sh'],'cwd':'tmp'}"), "config.json: process.cwd: must be an absolute path, got \"tmp\"" },
	{ PROC(",'terminal':1"), "config.json: process.terminal: expected a boolean, got 1" },
	{ PROC(",'consoleSize':{'width':80}"), "config.json: process.consoleSize.height: missing required field" },
	{ PROC(",'consoleSize':{'height':1,'width':65536}"),
	  "config.json: process.consoleSize.width: 65536 is out of range (maximum 65535)" },
	{ PROC(",'user':{'gid':0}"), "config.json: process.user.uid: missing required field" },
	{ PROC(",'user':{'uid':0}"), "config.json: process.user.gid: missing required field" },
	{ PROC(",'user':{'uid':4294967296,'gid':0}"),
	  "config.json: process.user.uid: 4294967296 is out of range (maximum 4294967295)" },
	{ PROC(",'user':{'uid':-1,'gid':0}"), "config.json: process.user.uid: expected an unsigned integer, got -1" },
	{ PROC(",'user':{'uid':1.0,'gid':0}"), "config.json: process.user.uid: expected an unsigned integer, got 1.0" },
	{ PROC(",'user':{'uid':1e3,'gid':0}"), "config.json: process.user.uid: expected an unsigned integer, got 1e3" },
	{ PROC(",'user':{'uid':0,'gid':0,'umask':'022'}"),
	  "config.json: process.user.umask: expected an unsigned integer, got \"022\"" },
	{ PROC(",'user':{'uid':0,'gid':0,'additionalGids':[1,4294967296]}"),
	  "config.json: process.user.additionalGids[1]: 4294967296 is out of range (maximum 4294967295)" },
	{ PROC(",'user':{'uid':0,'gid':0,'additionalGids':5}"),
	  "config.json: process.user.additionalGids: expected an array, got 5" },
	{ PROC(",'env':'A=1'"), "config.json: process.env: expected an array, got \"A=1\"" },
	{ PROC(",'env':['A=1','B']"), "config.json: process.env[1]: invalid environment variable \"B\": missing '='" },
	{ PROC(",'env':['=1']"), "config.json: process.env[0]: invalid environment variable \"=1\": empty name" },
	{ PROC(",'capabilities':['CAP_KILL']"), "config.json: process.capabilities: expected an object, got an array" },
	{ PROC(",'capabilities':{'ambient':[1]}"), "config.json: process.capabilities.ambient[0]: expected a string, got 1" },
	{ PROC(",'capabilities':{'bounding':'CAP_KILL'}"),
	  "config.json: process.capabilities.bounding: expected an array, got \"CAP_KILL\"" },
	{ PROC(",'rlimits':[{'hard':1,'soft':1}]"), "config.json: process.rlimits[0].type: missing required field" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_CORE','hard':1,'soft':1},{'type':'RLIMIT_NOFILE','hard':'lots','soft':1}]"),
	  "config.json: process.rlimits[1].hard: expected an unsigned integer, got \"lots\"" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_CORE','hard':1,'soft':1},{'type':'RLIMIT_CORE','hard':1,'soft':1},"
	       "{'type':'RLIMIT_FOO','hard':1,'soft':1}]"),
	  "config.json: process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_CORE','hard':1}]"), "config.json: process.rlimits[0].soft: missing required field" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_CORE','hard':1,'soft':2}]"),
	  "config.json: process.rlimits[0]: soft limit 2 is greater than hard limit 1" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_CORE','hard':1,'soft':1},{'type':'RLIMIT_CORE','hard':2,'soft':2}]"),
	  "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_CORE\"" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_CORE','hard':18446744073709551616,'soft':1}]"),
	  "config.json: process.rlimits[0].hard: 18446744073709551616 is out of range (maximum 18446744073709551615)" },
	{ PROC(",'noNewPrivileges':'true'"), "config.json: process.noNewPrivileges: expected a boolean, got \"true\"" },
	{ PROC(",'apparmorProfile':{}"), "config.json: process.apparmorProfile: expected a string, got an object" },
	{ PROC(",'oomScoreAdj':1001"), "config.json: process.oomScoreAdj: 1001 is out of range (-1000..1000)" },
	{ PROC(",'oomScoreAdj':-1001"), "config.json: process.oomScoreAdj: -1001 is out of range (-1000..1000)" },
	{ PROC(",'scheduler':{}"), "config.json: process.scheduler.policy: missing required field" },
	{ PROC(",'scheduler':{'policy':'SCHED_FAST'}"),
	  "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\" (expected one of SCHED_OTHER, "
	  "SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE)" },
	{ PROC(",'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
	  "config.json: process.scheduler.nice: 20 is out of range (-20..19)" },
	{ PROC(",'scheduler':{'policy':'SCHED_FIFO'}"),
	  "config.json: process.scheduler.priority: must be 1..99 for SCHED_FIFO, got 0" },
	{ PROC(",'scheduler':{'policy':'SCHED_BATCH','priority':3}"),
	  "config.json: process.scheduler.priority: must be 0 for SCHED_BATCH, got 3" },
	{ PROC(",'scheduler':{'policy':'SCHED_OTHER','flags':['SCHED_FLAG_X']}"),
	  "config.json: process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\" (expected one of "
	  "SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN, SCHED_FLAG_KEEP_POLICY, "
	  "SCHED_FLAG_KEEP_PARAMS, SCHED_FLAG_UTIL_CLAMP_MIN, SCHED_FLAG_UTIL_CLAMP_MAX)" },
	{ PROC(",'ioPriority':{'class':'IOPRIO_CLASS_X'}"),
	  "config.json: process.ioPriority.class: unknown io priority class \"IOPRIO_CLASS_X\" (expected one of "
	  "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)" },
	{ PROC(",'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"),
	  "config.json: process.ioPriority.priority: 8 is out of range (0..7)" },
	{ PROC(",'execCPUAffinity':{'initial':'0-'}"), "config.json: process.execCPUAffinity.initial: invalid cpu list \"0-\"" },
	{ PROC(",'execCPUAffinity':{'final':'3-1'}"), "config.json: process.execCPUAffinity.final: invalid cpu list \"3-1\"" },
	{ PROC(",'execCPUAffinity':{'final':'1,,2'}"), "config.json: process.execCPUAffinity.final: invalid cpu list \"1,,2\"" },
	{ PROC(",'selinuxLabel':false"), "config.json: process.selinuxLabel: expected a string, got false" },
	/* hostname, hooks, annotations */
	{ CFG("'hostname':7"), "config.json: hostname: expected a string, got 7" },
	{ CFG("'hostname':'box'"), "config.json: hostname: setting the hostname needs a uts namespace in linux.namespaces" },
	{ CFG("'domainname':'example.org'"),
	  "config.json: domainname: setting the domainname needs a uts namespace in linux.namespaces" },
	{ CFG("'hooks':[]"), "config.json: hooks: expected an object, got an array" },
	{ CFG("'hooks':{'prestart':{}}"), "config.json: hooks.prestart: expected an array, got an object" },
	{ CFG("'hooks':{'poststart':[{'args':['x']}]}"), "config.json: hooks.poststart[0].path: missing required field" },
	{ CFG("'hooks':{'poststop':[{'path':'/a'},{'path':'bin/x'}]}"),
	  "config.json: hooks.poststop[1].path: must be an absolute path, got \"bin/x\"" },
	{ CFG("'hooks':{'createRuntime':[{'path':'/a','timeout':0}]}"),
	  "config.json: hooks.createRuntime[0].timeout: must be greater than zero, got 0" },
	{ CFG("'hooks':{'createContainer':[{'path':'/a','timeout':-5}]}"),
	  "config.json: hooks.createContainer[0].timeout: must be greater than zero, got -5" },
	{ CFG("'hooks':{'startContainer':[{'path':'/a','timeout':2147483648}]}"),
	  "config.json: hooks.startContainer[0].timeout: 2147483648 is out of range (maximum 2147483647)" },
	{ CFG("'hooks':{'prestart':[{'path':'/a','timeout':'5s'}]}"),
	  "config.json: hooks.prestart[0].timeout: expected an integer, got \"5s\"" },
	{ CFG("'hooks':{'prestart':[{'path':'/a','env':[1]}]}"), "config.json: hooks.prestart[0].env[0]: expected a string, got 1" },
	{ CFG("'annotations':[]"), "config.json: annotations: expected an object, got an array" },
	{ CFG("'annotations':{'a.b':1}"), "config.json: annotations[\"a.b\"]: expected a string, got 1" },
	{ CFG("'annotations':{'':'x'}"), "config.json: annotations: empty key" },
	/* linux: namespaces, mappings, time offsets, devices */
	{ CFG("'linux':true"), "config.json: linux: expected an object, got true" },
	{ LNX("'namespaces':[{}]"), "config.json: linux.namespaces[0].type: missing required field" },
	{ LNX("'namespaces':[{'type':'pidx'}]"),
	  "config.json: linux.namespaces[0].type: unknown namespace type \"pidx\" (expected one of pid, network, mount, "
	  "ipc, uts, user, cgroup, time)" },
	{ LNX("'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'pid'}]"),
	  "config.json: linux.namespaces[2].type: duplicate namespace \"pid\"" },
	{ LNX("'namespaces':[{'type':'network','path':'netns/x'}]"),
	  "config.json: linux.namespaces[0].path: must be an absolute path, got \"netns/x\"" },
	{ LNX("'uidMappings':[{'containerID':0,'hostID':0,'size':1}]"),
	  "config.json: linux.uidMappings: id mappings need a user namespace in linux.namespaces" },
	{ LNX("'gidMappings':[{'containerID':0,'hostID':0,'size':1}]"),
	  "config.json: linux.gidMappings: id mappings need a user namespace in linux.namespaces" },
	{ LNX(USERNS ",'uidMappings':[{'containerID':4294967295,'hostID':0,'size':2}]"),
	  "config.json: linux.uidMappings[0]: containerID 4294967295 + size 2 exceeds the 32-bit id range" },
	{ LNX(USERNS ",'gidMappings':[{'containerID':0,'hostID':4294967000,'size':1000}]"),
	  "config.json: linux.gidMappings[0]: hostID 4294967000 + size 1000 exceeds the 32-bit id range" },
	{ LNX(USERNS ",'uidMappings':[{'containerID':0,'hostID':0,'size':4294967296}]"),
	  "config.json: linux.uidMappings[0].size: 4294967296 is out of range (maximum 4294967295)" },
	{ LNX("'namespaces':[{'type':'time'}],'timeOffsets':{'realtime':{'secs':1}}"),
	  "config.json: linux.timeOffsets.realtime: unknown clock (expected monotonic or boottime)" },
	{ LNX("'namespaces':[{'type':'time'}],'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
	  "config.json: linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range (maximum 999999999)" },
	{ LNX("'namespaces':[{'type':'time'}],'timeOffsets':{'monotonic':5}"),
	  "config.json: linux.timeOffsets.monotonic: expected an object, got 5" },
	{ LNX("'timeOffsets':{'monotonic':{'secs':5}}"),
	  "config.json: linux.timeOffsets: time offsets need a time namespace in linux.namespaces" },
	{ LNX("'devices':[{'path':'/dev/x'}]"), "config.json: linux.devices[0].type: missing required field" },
	{ LNX("'devices':[{'type':'cc','path':'/dev/x'}]"),
	  "config.json: linux.devices[0].type: unknown device type \"cc\" (expected c, b, u or p)" },
	{ LNX("'devices':[{'type':'c','major':1,'minor':1}]"), "config.json: linux.devices[0].path: missing required field" },
	{ LNX("'devices':[{'type':'c','path':'dev/x','major':1,'minor':1}]"),
	  "config.json: linux.devices[0].path: must be an absolute path, got \"dev/x\"" },
	{ LNX("'devices':[{'type':'b','path':'/dev/x','minor':1}]"), "config.json: linux.devices[0].major: missing required field" },
	{ LNX("'devices':[{'type':'c','path':'/dev/x','major':1,'minor':-1}]"),
	  "config.json: linux.devices[0].minor: -1 is out of range (0..4294967295)" },
	{ LNX("'devices':[{'type':'u','path':'/dev/x','major':1,'minor':1,'fileMode':-1}]"),
	  "config.json: linux.devices[0].fileMode: expected an unsigned integer, got -1" },
	{ LNX("'cgroupsPath':1"), "config.json: linux.cgroupsPath: expected a string, got 1" },
	{ LNX("'intelRdt':{'closID':'..'}"), "config.json: linux.intelRdt.closID: invalid CLOS id \"..\"" },
	{ LNX("'intelRdt':{'enableCMT':'yes'}"), "config.json: linux.intelRdt.enableCMT: expected a boolean, got \"yes\"" },
	{ LNX("'sysctl':{'net.ipv4.ip_forward':1}"),
	  "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got 1" },
	{ LNX("'rootfsPropagation':'recursive'"),
	  "config.json: linux.rootfsPropagation: unknown propagation \"recursive\" (expected one of shared, slave, "
	  "private, unbindable, rshared, rslave, rprivate, runbindable)" },
	{ LNX("'maskedPaths':['/a','b']"), "config.json: linux.maskedPaths[1]: must be an absolute path, got \"b\"" },
	{ LNX("'readonlyPaths':'/proc'"), "config.json: linux.readonlyPaths: expected an array, got \"/proc\"" },
	{ LNX("'mountLabel':[]"), "config.json: linux.mountLabel: expected a string, got an array" },
	{ LNX("'personality':{}"), "config.json: linux.personality.domain: missing required field" },
	{ LNX("'personality':{'domain':'LINUX64'}"),
	  "config.json: linux.personality.domain: unknown personality domain \"LINUX64\" (expected one of LINUX, LINUX32)" },
	{ LNX("'netDevices':{'a/b':{}}"), "config.json: linux.netDevices[\"a/b\"]: invalid network device name \"a/b\"" },
	{ LNX("'netDevices':{'eth0':{'name':'a-very-long-name0'}}"),
	  "config.json: linux.netDevices.eth0.name: invalid network device name \"a-very-long-name0\"" },
	{ LNX("'netDevices':{'eth0':'eth1'}"), "config.json: linux.netDevices.eth0: expected an object, got \"eth1\"" },
	{ LNX("'memoryPolicy':{'nodes':'0'}"), "config.json: linux.memoryPolicy.mode: missing required field" },
	{ LNX("'memoryPolicy':{'mode':'MPOL_RANDOM'}"),
	  "config.json: linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_RANDOM\" (expected one of MPOL_DEFAULT, "
	  "MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL)" },
	{ LNX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'x'}"), "config.json: linux.memoryPolicy.nodes: invalid node list \"x\"" },
	{ LNX("'memoryPolicy':{'mode':'MPOL_DEFAULT','nodes':'0'}"), "config.json: linux.memoryPolicy.nodes: must be empty for MPOL_DEFAULT" },
	{ LNX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['MPOL_F_X']}"),
	  "config.json: linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\" (expected one of "
	  "MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES)" },
	/* linux.resources */
	{ LNX("'resources':[]"), "config.json: linux.resources: expected an object, got an array" },
	{ RES("'devices':[{'access':'rwm'}]"), "config.json: linux.resources.devices[0].allow: missing required field" },
	{ RES("'devices':[{'allow':true,'type':'x'}]"),
	  "config.json: linux.resources.devices[0].type: unknown device type \"x\" (expected a, c or b)" },
	{ RES("'devices':[{'allow':true,'major':-2}]"),
	  "config.json: linux.resources.devices[0].major: -2 is out of range (-1..4294967295)" },
	{ RES("'memory':{'limit':-2}"), "config.json: linux.resources.memory.limit: -2 is out of range (-1..9223372036854775807)" },
	{ RES("'memory':{'limit':1.5}"), "config.json: linux.resources.memory.limit: expected an integer, got 1.5" },
	{ RES("'memory':{'swap':9223372036854775808}"),
	  "config.json: linux.resources.memory.swap: 9223372036854775808 is out of range (-1..9223372036854775807)" },
	{ RES("'memory':{'swappiness':101}"), "config.json: linux.resources.memory.swappiness: 101 is out of range (maximum 100)" },
	{ RES("'memory':{'disableOOMKiller':0}"), "config.json: linux.resources.memory.disableOOMKiller: expected a boolean, got 0" },
	{ RES("'cpu':{'shares':-1}"), "config.json: linux.resources.cpu.shares: expected an unsigned integer, got -1" },
	{ RES("'cpu':{'cpus':'0-a'}"), "config.json: linux.resources.cpu.cpus: invalid cpu list \"0-a\"" },
	{ RES("'cpu':{'mems':'-1'}"), "config.json: linux.resources.cpu.mems: invalid node list \"-1\"" },
	{ RES("'pids':{'limit':'max'}"), "config.json: linux.resources.pids.limit: expected an integer, got \"max\"" },
	{ RES("'blockIO':{'weight':70000}"), "config.json: linux.resources.blockIO.weight: 70000 is out of range (maximum 65535)" },
	{ RES("'blockIO':{'weightDevice':[{'minor':0}]}"),
	  "config.json: linux.resources.blockIO.weightDevice[0].major: missing required field" },
	{ RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0}]}"),
	  "config.json: linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: missing required field" },
	{ RES("'hugepageLimits':[{'limit':1}]"), "config.json: linux.resources.hugepageLimits[0].pageSize: missing required field" },
	{ RES("'network':{'classID':4294967296}"),
	  "config.json: linux.resources.network.classID: 4294967296 is out of range (maximum 4294967295)" },
	{ RES("'network':{'priorities':[{'priority':1}]}"),
	  "config.json: linux.resources.network.priorities[0].name: missing required field" },
	{ RES("'rdma':{'mlx5_1':[]}"), "config.json: linux.resources.rdma.mlx5_1: expected an object, got an array" },
	{ RES("'rdma':{'mlx5_1':{'hcaHandles':-1}}"),
	  "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected an unsigned integer, got -1" },
	{ RES("'unified':{'../cpu.max':'1'}"), "config.json: linux.resources.unified[\"../cpu.max\"]: must be a cgroup file name" },
	{ RES("'unified':{'..':'1'}"), "config.json: linux.resources.unified[\"..\"]: must be a cgroup file name" },
	{ RES("'unified':{'memory.max':1024}"), "config.json: linux.resources.unified[\"memory.max\"]: expected a string, got 1024" },
	/* linux.seccomp */
	{ SEC("'syscalls':[]"), "config.json: linux.seccomp.defaultAction: missing required field" },
	{ SEC("'defaultAction':'SCMP_ACT_MAYBE'"),
	  "config.json: linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\" (expected one of "
	  "SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_LOG, "
	  "SCMP_ACT_NOTIFY, SCMP_ACT_TRACE, SCMP_ACT_TRAP)" },
	{ SEC("'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/x'"),
	  "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':-1"),
	  "config.json: linux.seccomp.defaultErrnoRet: expected an unsigned integer, got -1" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_Z80']"),
	  "config.json: linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\" (expected one of "
	  "SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, SCMP_ARCH_LOONGARCH64, SCMP_ARCH_M68K, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, "
	  "SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PARISC, "
	  "SCMP_ARCH_PARISC64, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, SCMP_ARCH_PPC64LE, SCMP_ARCH_RISCV64, SCMP_ARCH_S390, "
	  "SCMP_ARCH_S390X, SCMP_ARCH_SH, SCMP_ARCH_SHEB, SCMP_ARCH_X32, SCMP_ARCH_X86, SCMP_ARCH_X86_64)" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_X']"),
	  "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_X\" (expected one of "
	  "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_LOG, "
	  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'action':'SCMP_ACT_ERRNO'}]"),
	  "config.json: linux.seccomp.syscalls[0].names: missing required field" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],'action':'SCMP_ACT_ERRNO'}]"),
	  "config.json: linux.seccomp.syscalls[0].names: must not be empty" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read']}]"),
	  "config.json: linux.seccomp.syscalls[0].action: missing required field" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_NOTIFY'}]"),
	  "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','errnoRet':'EPERM'}]"),
	  "config.json: linux.seccomp.syscalls[0].errnoRet: expected an unsigned integer, got \"EPERM\"" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO',"
	      "'args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]"),
	  "config.json: linux.seccomp.syscalls[0].args[0].index: 6 is out of range (maximum 5)" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO',"
	      "'args':[{'index':0,'op':'SCMP_CMP_EQ'}]}]"),
	  "config.json: linux.seccomp.syscalls[0].args[0].value: missing required field" },
	{ SEC("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO',"
	      "'args':[{'index':0,'value':1,'op':'SCMP_CMP_APPROX'}]}]"),
	  "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_APPROX\" (expected one of "
	  "SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_LE, SCMP_CMP_LT, SCMP_CMP_MASKED_EQ, SCMP_CMP_NE)" },
	/* malformed JSON */
	{ "", "config.json: invalid JSON at line 1, column 1: premature EOF" },
	{ "{'ociVersion':'1.2.0',}", "config.json: invalid JSON at line 1, column 23: invalid object key (must be a string)" },
	{ "{'ociVersion':'1.2.0'}\n{}", "config.json: invalid JSON at line 2, column 1: trailing garbage" },
	{ "{'ociVersion':'1.2.0',\n 'process': x}", "config.json: invalid JSON at line 2, column 13: lexical error: invalid char in json text." },
	{ "{'ociVersion':'1.2\\u0000'}", "config.json: invalid JSON: string with a NUL character (\\u0000) at offset 18" },
	{ "{'ociVersion':'\xff'}", "config.json: invalid JSON at line 1, column 16: lexical error: invalid bytes in UTF8 string." },
};

START_TEST(test_error_table)
{
	_cleanup_free_ char *msg = parse_err(bad[_i].json);
	ck_assert_msg(strcmp(msg, bad[_i].msg) == 0, "entry %d\ninput:    %s\nexpected: %s\ngot:      %s", _i,
		      bad[_i].json, bad[_i].msg, msg);
}
END_TEST

/* ---- other failures -------------------------------------------------------------------- */

START_TEST(test_nul_byte)
{
	static const char json[] = "{\"ociVersion\":\"1.2.0\"\0}";
	_cleanup_free_ char *msg = parse_err_raw(json, sizeof(json) - 1);
	ck_assert_str_eq(msg, "config.json: invalid JSON: NUL byte at offset 21");
}
END_TEST

static char *nested(size_t depth)
{
	/* {"ociVersion":"1.2.0","x":[[[...]]]} : depth counts the outer object too. */
	size_t n = depth - 1;
	char *s = xmalloc(2 * n + 64);
	char *p = s + sprintf(s, "{\"ociVersion\":\"1.2.0\",\"x\":");
	memset(p, '[', n);
	memset(p + n, ']', n);
	strcpy(p + 2 * n, "}");
	return s;
}

START_TEST(test_deep_nesting)
{
	_cleanup_free_ char *ok = nested(HULL_JSON_MAX_DEPTH);
	struct hull_error err = { 0 };
	struct hull_spec *s = NULL;
	ck_assert_int_eq(hull_spec_parse(ok, strlen(ok), &s, &err), 0);
	hull_spec_free(s);
	_cleanup_free_ char *deep = nested(HULL_JSON_MAX_DEPTH + 1);
	_cleanup_free_ char *msg = parse_err_raw(deep, strlen(deep));
	ck_assert_str_eq(msg, "config.json: invalid JSON: nested deeper than 256 levels");
	/* Far deeper than any stack would survive if anything recursed. */
	_cleanup_free_ char *huge = nested(1000000);
	_cleanup_free_ char *msg2 = parse_err_raw(huge, strlen(huge));
	ck_assert_str_eq(msg2, "config.json: invalid JSON: nested deeper than 256 levels");
}
END_TEST

START_TEST(test_huge_numbers)
{
	_cleanup_free_ char *m1 = parse_err(PROC(",'user':{'uid':1e400,'gid':0}"));
	ck_assert_str_eq(m1, "config.json: process.user.uid: expected an unsigned integer, got 1e400");
	_cleanup_free_ char *m2 = parse_err(PROC(",'oomScoreAdj':-99999999999999999999999999999999999999999999999999"));
	ck_assert_str_eq(m2, "config.json: process.oomScoreAdj: -999999999999999999999999999999999999999 is out of range "
			     "(-1000..1000)");
	_cleanup_free_ char *m3 = parse_err(RES("'pids':{'limit':9223372036854775808}"));
	ck_assert_str_eq(m3, "config.json: linux.resources.pids.limit: 9223372036854775808 is out of range "
			     "(-9223372036854775808..9223372036854775807)");
	struct hull_spec *s = parse_ok(RES("'pids':{'limit':-9223372036854775808}"));
	ck_assert(s->linux_.resources.has_pids);
	ck_assert(s->linux_.resources.pids_limit == INT64_MIN);
	hull_spec_free(s);
}
END_TEST

START_TEST(test_long_strings_truncated_in_messages)
{
	char json[9000];
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(json, sizeof(json), "{\"ociVersion\":\"1.2.0\",\"hostname\":[\"%s\"]}", big);
	_cleanup_free_ char *msg = parse_err_raw(json, strlen(json));
	ck_assert_str_eq(msg, "config.json: hostname: expected a string, got an array");
	snprintf(json, sizeof(json), "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"terminal\":\"%s\"}}",
		 big);
	_cleanup_free_ char *msg2 = parse_err_raw(json, strlen(json));
	ck_assert_int_lt(strlen(msg2), 200);
	ck_assert_msg(strstr(msg2, "xxx...\"") != NULL, "%s", msg2);
}
END_TEST

/* Random damage to a full config must never crash (run under ASan in CI). */
START_TEST(test_mutations_do_not_crash)
{
	_cleanup_free_ char *path = xasprintf("%s/tests/fixtures/configs/valid-maximal.json", top_dir());
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 20, &text, &len), 0);
	static const char junk[] = "{}[]\",:0-9e.\\ntfu";
	unsigned seed = 12345;
	_cleanup_free_ char *buf = xmalloc(len + 1);
	for (int round = 0; round < 3000; round++) {
		memcpy(buf, text, len);
		int edits = 1 + (int)(rand_r(&seed) % 4);
		for (int e = 0; e < edits; e++)
			buf[rand_r(&seed) % len] = junk[rand_r(&seed) % (sizeof(junk) - 1)];
		size_t cut = round % 7 == 0 ? rand_r(&seed) % len : len;
		struct hull_error err = { 0 };
		struct hull_spec *s = NULL;
		if (hull_spec_parse(buf, cut, &s, &err) == 0)
			hull_spec_free(s);
		else
			ck_assert_ptr_nonnull(err.msg);
		hull_error_clear(&err);
		struct hull_process p;
		if (hull_spec_parse_process(buf, cut, &p, &err) == 0)
			hull_process_clear(&p);
		hull_error_clear(&err);
	}
}
END_TEST

/* Every value of every field replaced by each JSON type: must fail cleanly or pass. */
START_TEST(test_wrong_types_everywhere)
{
	_cleanup_free_ char *path = xasprintf("%s/tests/fixtures/configs/valid-maximal.json", top_dir());
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 20, &text, &len), 0);
	static const char *const values[] = { "null", "true", "-1", "1.5", "\"s\"", "[]", "{}", "[1]", "{\"a\":1}",
					      "18446744073709551616" };
	int failures = 0;
	/* Replace the value after each ':' (outside strings) in turn. */
	for (size_t i = 0; i < len; i++) {
		if (text[i] != ':')
			continue;
		size_t start = i + 1;
		while (start < len && text[start] == ' ')
			start++;
		/* the value ends at the next ',' or '}' or '\n' at this nesting level: cheap approximation */
		size_t end = start;
		int depth = 0;
		bool in_str = false;
		for (; end < len; end++) {
			char c = text[end];
			if (in_str) {
				if (c == '\\')
					end++;
				else if (c == '"')
					in_str = false;
				continue;
			}
			if (c == '"')
				in_str = true;
			else if (c == '[' || c == '{')
				depth++;
			else if ((c == ']' || c == '}') && depth-- == 0)
				break;
			else if (c == ',' && depth == 0)
				break;
		}
		for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
			_cleanup_free_ char *doc = xasprintf("%.*s%s%s", (int)start, text, values[v], text + end);
			struct hull_error err = { 0 };
			struct hull_spec *s = NULL;
			if (hull_spec_parse(doc, strlen(doc), &s, &err) == 0) {
				hull_spec_free(s);
			} else {
				failures++;
				ck_assert_msg(err.msg && hull_str_has_prefix(err.msg, "config.json: "), "%s", err.msg);
			}
			hull_error_clear(&err);
		}
	}
	ck_assert_int_gt(failures, 500);
}
END_TEST

START_TEST(test_broken_fixtures)
{
	_cleanup_free_ char *dir = xasprintf("%s/tests/fixtures/configs/broken", top_dir());
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		_cleanup_free_ char *jp = xasprintf("%s/%s", dir, e->d_name);
		_cleanup_free_ char *ep = xasprintf("%s/%.*s.expect", dir, (int)(l - 5), e->d_name);
		_cleanup_free_ char *json = NULL, *expect = NULL;
		size_t jl = 0;
		ck_assert_int_eq(hull_read_file_at(AT_FDCWD, jp, 1 << 20, &json, &jl), 0);
		ck_assert_msg(hull_read_file_at(AT_FDCWD, ep, 1 << 20, &expect, NULL) == 0, "missing %s", ep);
		expect[strcspn(expect, "\n")] = '\0';
		_cleanup_free_ char *msg = parse_err_raw(json, jl);
		ck_assert_msg(strcmp(msg, expect) == 0, "%s\nexpected: %s\ngot:      %s", e->d_name, expect, msg);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 12);
}
END_TEST

START_TEST(test_load_errors)
{
	struct hull_error err = { 0 };
	struct hull_spec *s = NULL;
	ck_assert_int_lt(hull_spec_load("/nonexistent/dir/config.json", &s, &err), 0);
	ck_assert_str_eq(err.msg, "read /nonexistent/dir/config.json: No such file or directory");
	ck_assert_int_eq(err.errnum, ENOENT);
	hull_error_clear(&err);

	char dir[] = "/tmp/hull-test-spec-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	_cleanup_free_ char *big = xasprintf("%s/config.json", dir);
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (17 << 20)), 0);
	close(fd);
	ck_assert_int_lt(hull_spec_load(big, &s, &err), 0);
	_cleanup_free_ char *want = xasprintf("%s: file too large (limit 16 MiB)", big);
	ck_assert_str_eq(err.msg, want);
	hull_error_clear(&err);

	/* Messages name the file by its base name. */
	_cleanup_free_ char *other = xasprintf("%s/my.json", dir);
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(write(fd, "{\"ociVersion\":1}", 16), 16);
	close(fd);
	ck_assert_int_lt(hull_spec_load(other, &s, &err), 0);
	ck_assert_str_eq(err.msg, "my.json: ociVersion: expected a string, got 1");
	ck_assert_int_lt(hull_spec_validate_file(other, &err), 0);
	hull_error_clear(&err);
	unlink(big);
	unlink(other);
	rmdir(dir);
}
END_TEST

/* ---- valid specs --------------------------------------------------------------------- */

/* runc 1.1.5 never reads ociVersion: none, null, or any text parses (issue 17). */
START_TEST(test_any_oci_version)
{
	const char *const docs[] = { "{}", "{\"ociVersion\":null}", "{\"ociVersion\":\"abc\"}",
				      "{\"ociVersion\":\"2.0.0\"}", "{\"ociVersion\":\"1.0.2-dev\"}", NULL };
	for (size_t i = 0; docs[i]; i++) {
		struct hull_error err = { 0 };
		struct hull_spec *s = NULL;
		ck_assert_msg(hull_spec_parse(docs[i], strlen(docs[i]), &s, &err) == 0, "%s: %s", docs[i], err.msg);
		hull_spec_free(s);
	}
}
END_TEST

START_TEST(test_minimal)
{
	struct hull_spec *s = parse_ok("{'ociVersion':'1.0.0'}");
	ck_assert_str_eq(s->oci_version, "1.0.0");
	ck_assert_ptr_null(s->root_path);
	ck_assert(!s->process.present);
	ck_assert(!s->linux_.present);
	ck_assert_uint_eq(s->n_mounts, 0);
	hull_spec_free(s);
	static const char *const versions[] = { "{'ociVersion':'1.0.2-dev'}", "{'ociVersion':'1.3.0'}",
						"{'ociVersion':'1'}", "{'ociVersion':'1.1.0+dev'}" };
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++)
		hull_spec_free(parse_ok(versions[i]));
}
END_TEST

START_TEST(test_unknown_keys_and_nulls)
{
	struct hull_spec *s =
		parse_ok("{'ociVersion':'1.2.0','future':{'x':[1,{}]},'windows':{'layerFolders':[]},'vm':{},"
			 "'process':{'args':['sh'],'cwd':'/','newField':true,'user':{'uid':5,'gid':6,'username':'u'},"
			 "'apparmorProfile':null,'commandLine':'x'},"
			 "'linux':{'namespaces':[{'type':'pid','extra':1}],'resources':{'memory':{'limit':null}},"
			 "'unknownLinux':5},'hostname':null}");
	ck_assert_uint_eq(s->process.uid, 5);
	ck_assert_uint_eq(s->process.gid, 6);
	ck_assert_ptr_null(s->process.apparmor_profile);
	ck_assert(!s->linux_.resources.memory.has_limit);
	ck_assert(s->linux_.resources.has_memory);
	ck_assert_ptr_null(s->hostname);
	hull_spec_free(s);
}
END_TEST

START_TEST(test_duplicate_keys_last_wins)
{
	struct hull_spec *s = parse_ok("{'ociVersion':'1.0.0','ociVersion':'1.2.0',"
				       "'annotations':{'k':'1','k':'2'}}");
	ck_assert_str_eq(s->oci_version, "1.2.0");
	ck_assert_uint_eq(s->n_annotations, 1);
	ck_assert_str_eq(hull_kv_get(s->annotations, s->n_annotations, "k"), "2");
	hull_spec_free(s);
}
END_TEST

START_TEST(test_process_defaults)
{
	struct hull_spec *s = parse_ok(PROC(""));
	ck_assert(s->process.present);
	ck_assert(!s->process.terminal);
	ck_assert_uint_eq(s->process.uid, 0);
	ck_assert(!s->process.has_umask);
	ck_assert(!s->process.has_capabilities);
	ck_assert(!s->process.has_oom_score_adj);
	ck_assert(!s->process.has_console_size);
	ck_assert(!s->process.scheduler.present);
	ck_assert(!s->process.io_priority.present);
	ck_assert_ptr_null(s->process.env);
	ck_assert_str_eq(s->process.args[0], "sh");
	ck_assert_ptr_null(s->process.args[1]);
	hull_spec_free(s);
	/* consoleSize is accepted (and ignored by the runtime) without a terminal */
	s = parse_ok(PROC(",'consoleSize':{'height':0,'width':0}"));
	ck_assert(s->process.has_console_size);
	hull_spec_free(s);
}
END_TEST

START_TEST(test_relative_mount_destination)
{
	struct hull_spec *s = parse_ok(CFG("'mounts':[{'destination':'data','type':'bind','source':'/x'},"
					   "{'destination':'/abs'}]"));
	ck_assert_str_eq(s->mounts[0].destination, "/data");
	ck_assert(s->mounts[0].relative_destination);
	ck_assert_str_eq(s->mounts[1].destination, "/abs");
	ck_assert(!s->mounts[1].relative_destination);
	ck_assert_ptr_null(s->mounts[1].type);
	ck_assert_ptr_null(s->mounts[1].options);
	hull_spec_free(s);
}
END_TEST

START_TEST(test_pids_without_limit)
{
	struct hull_spec *s = parse_ok(RES("'pids':{}"));
	ck_assert(s->linux_.resources.present);
	ck_assert(!s->linux_.resources.has_pids);
	hull_spec_free(s);
}
END_TEST

START_TEST(test_namespace_empty_path)
{
	struct hull_spec *s = parse_ok(LNX("'namespaces':[{'type':'pid','path':''},{'type':'network','path':'/proc/1/ns/net'}]"));
	ck_assert_ptr_null(hull_spec_namespace(s, HULL_NS_PID)->path);
	ck_assert_str_eq(hull_spec_namespace(s, HULL_NS_NET)->path, "/proc/1/ns/net");
	ck_assert_ptr_null(hull_spec_namespace(s, HULL_NS_USER));
	hull_spec_free(s);
}
END_TEST

START_TEST(test_maximal_fixture)
{
	_cleanup_free_ char *path = xasprintf("%s/tests/fixtures/configs/valid-maximal.json", top_dir());
	struct hull_error err = { 0 };
	struct hull_spec *s = NULL;
	ck_assert_msg(hull_spec_load(path, &s, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(s->oci_version, "1.2.0");
	ck_assert_str_eq(s->root_path, "rootfs");
	ck_assert(s->root_readonly);
	/* mounts */
	ck_assert_uint_eq(s->n_mounts, 2);
	ck_assert_str_eq(s->mounts[1].destination, "/data");
	ck_assert_str_eq(s->mounts[1].options[2], "idmap");
	ck_assert_uint_eq(s->mounts[1].n_uid_mappings, 1);
	ck_assert_uint_eq(s->mounts[1].uid_mappings[0].host_id, 100000);
	ck_assert_uint_eq(s->mounts[1].gid_mappings[0].host_id, 200000);
	ck_assert_uint_eq(s->mounts[1].gid_mappings[0].size, 65536);
	/* process */
	const struct hull_process *p = &s->process;
	ck_assert(p->terminal && p->has_console_size);
	ck_assert_uint_eq(p->console_height, 24);
	ck_assert_uint_eq(p->console_width, 80);
	ck_assert_uint_eq(p->uid, 1000);
	ck_assert_uint_eq(p->gid, 1001);
	ck_assert(p->has_umask);
	ck_assert_uint_eq(p->umask, 18);
	ck_assert_uint_eq(p->n_additional_gids, 2);
	ck_assert_uint_eq(p->additional_gids[1], 4294967295u);
	ck_assert_str_eq(p->args[2], "echo hi");
	ck_assert_str_eq(p->env[2], "X=a=b");
	ck_assert_str_eq(p->cwd, "/home");
	ck_assert(p->has_capabilities);
	ck_assert_str_eq(p->capabilities.bounding[1], "CAP_CHOWN");
	ck_assert_ptr_nonnull(p->capabilities.inheritable);
	ck_assert_ptr_null(p->capabilities.inheritable[0]);
	ck_assert_str_eq(p->capabilities.ambient[0], "CAP_KILL");
	ck_assert_uint_eq(p->n_rlimits, 2);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p->rlimits[0].soft, 512);
	ck_assert_int_eq(p->rlimits[1].resource, RLIMIT_CORE);
	ck_assert(p->rlimits[1].hard == UINT64_MAX);
	ck_assert(p->no_new_privileges);
	ck_assert_str_eq(p->apparmor_profile, "hull-default");
	ck_assert(p->has_oom_score_adj);
	ck_assert_int_eq(p->oom_score_adj, -500);
	ck_assert(p->scheduler.present);
	ck_assert_str_eq(p->scheduler.policy, "SCHED_FIFO");
	ck_assert_int_eq(p->scheduler.nice, -5);
	ck_assert_int_eq(p->scheduler.priority, 10);
	ck_assert_str_eq(p->scheduler.flags[0], "SCHED_FLAG_RESET_ON_FORK");
	ck_assert_uint_eq(p->scheduler.period, 3);
	ck_assert(p->io_priority.present);
	ck_assert_str_eq(p->io_priority.class_name, "IOPRIO_CLASS_BE");
	ck_assert_int_eq(p->io_priority.priority, 4);
	ck_assert_str_eq(p->selinux_label, "system_u:system_r:container_t:s0");
	ck_assert_str_eq(p->exec_cpu_affinity_initial, "0");
	ck_assert_str_eq(p->exec_cpu_affinity_final, "0-3,7");
	/* top level */
	ck_assert_str_eq(s->hostname, "box");
	ck_assert_str_eq(s->domainname, "example.org");
	ck_assert_uint_eq(s->hooks.prestart.n, 1);
	ck_assert_str_eq(s->hooks.create_runtime.hooks[0].args[1], "x");
	ck_assert_str_eq(s->hooks.create_runtime.hooks[0].env[0], "A=1");
	ck_assert(s->hooks.create_runtime.hooks[0].has_timeout);
	ck_assert_int_eq(s->hooks.create_runtime.hooks[0].timeout, 5);
	ck_assert(!s->hooks.prestart.hooks[0].has_timeout);
	ck_assert_str_eq(s->hooks.create_container.hooks[0].path, "/bin/cc");
	ck_assert_str_eq(s->hooks.start_container.hooks[0].path, "/bin/sc");
	ck_assert_uint_eq(s->hooks.poststart.n, 2);
	ck_assert_str_eq(s->hooks.poststop.hooks[0].path, "/bin/post");
	ck_assert_str_eq(hull_kv_get(s->annotations, s->n_annotations, "org.example.key"), "value");
	ck_assert_str_eq(hull_kv_get(s->annotations, s->n_annotations, "other"), "");
	ck_assert_ptr_null(hull_kv_get(s->annotations, s->n_annotations, "missing"));
	hull_spec_free(s);
}
END_TEST

START_TEST(test_maximal_fixture_linux)
{
	_cleanup_free_ char *path = xasprintf("%s/tests/fixtures/configs/valid-maximal.json", top_dir());
	struct hull_error err = { 0 };
	struct hull_spec *s = NULL;
	ck_assert_msg(hull_spec_load(path, &s, &err) == 0, "%s", err.msg);
	const struct hull_linux *l = &s->linux_;
	ck_assert(l->present);
	ck_assert_uint_eq(l->n_namespaces, 8);
	ck_assert_str_eq(hull_spec_namespace(s, HULL_NS_NET)->path, "/var/run/netns/x");
	ck_assert_ptr_null(hull_spec_namespace(s, HULL_NS_TIME)->path);
	ck_assert_uint_eq(l->uid_mappings[0].host_id, 1000);
	ck_assert(l->time_monotonic.present);
	ck_assert(l->time_monotonic.secs == -100);
	ck_assert_uint_eq(l->time_monotonic.nanosecs, 5);
	ck_assert(l->time_boottime.present && l->time_boottime.secs == 7);
	ck_assert_uint_eq(l->n_devices, 2);
	ck_assert_int_eq(l->devices[0].type, 'c');
	ck_assert(l->devices[0].major == 10 && l->devices[0].minor == 229);
	ck_assert(l->devices[0].has_file_mode && l->devices[0].file_mode == 438);
	ck_assert(l->devices[0].has_uid && l->devices[0].has_gid);
	ck_assert_int_eq(l->devices[1].type, 'p');
	ck_assert(!l->devices[1].has_file_mode);
	ck_assert_str_eq(l->cgroups_path, "/hull/test");
	const struct hull_resources *r = &l->resources;
	ck_assert(r->present);
	ck_assert_uint_eq(r->n_devices, 3);
	ck_assert(!r->devices[0].allow);
	ck_assert_int_eq(r->devices[0].type, 'a');
	ck_assert(!r->devices[0].has_major);
	ck_assert(r->devices[1].allow && r->devices[1].has_major && r->devices[1].minor == 229);
	ck_assert_str_eq(r->devices[1].access, "rw");
	ck_assert(!r->devices[2].has_major); /* -1: wildcard */
	ck_assert(r->has_memory && r->memory.has_limit && r->memory.limit == 536870912);
	ck_assert(r->memory.has_swap && r->memory.swap == -1);
	ck_assert(r->memory.has_swappiness && r->memory.swappiness == 60);
	ck_assert(r->memory.has_disable_oom_killer && r->memory.disable_oom_killer);
	ck_assert(r->memory.has_use_hierarchy && !r->memory.use_hierarchy);
	ck_assert(r->memory.check_before_update);
	ck_assert(r->has_cpu && r->cpu.has_shares && r->cpu.shares == 1024);
	ck_assert(r->cpu.has_quota && r->cpu.quota == 100000);
	ck_assert(r->cpu.has_burst && r->cpu.has_rt_runtime && r->cpu.has_rt_period && r->cpu.has_idle);
	ck_assert_str_eq(r->cpu.cpus, "0-1");
	ck_assert(r->has_pids && r->pids_limit == 32);
	ck_assert(r->has_blkio && r->blkio.has_weight && r->blkio.weight == 500 && r->blkio.leaf_weight == 300);
	ck_assert_uint_eq(r->blkio.n_weight_devices, 1);
	ck_assert(r->blkio.weight_devices[0].has_weight && r->blkio.weight_devices[0].weight == 600);
	ck_assert(r->blkio.throttle_read_bps[0].rate == 1048576);
	ck_assert(r->blkio.throttle_write_bps[0].rate == 2097152);
	ck_assert(r->blkio.throttle_read_iops[0].rate == 100);
	ck_assert(r->blkio.throttle_write_iops[0].rate == 200);
	ck_assert_str_eq(r->hugepage_limits[0].page_size, "2MB");
	ck_assert(r->has_network && r->has_class_id && r->class_id == 1048577);
	ck_assert_str_eq(r->net_priorities[0].name, "eth0");
	ck_assert_uint_eq(r->n_rdma, 1);
	ck_assert_str_eq(r->rdma[0].device, "mlx5_1");
	ck_assert(r->rdma[0].has_hca_handles && r->rdma[0].hca_objects == 10000);
	ck_assert_str_eq(hull_kv_get(r->unified, r->n_unified, "io.weight"), "default 100");
	ck_assert(l->intel_rdt.present && l->intel_rdt.enable_cmt && l->intel_rdt.enable_mbm);
	ck_assert_str_eq(l->intel_rdt.clos_id, "guaranteed_group");
	ck_assert_str_eq(hull_kv_get(l->sysctl, l->n_sysctl, "net.ipv4.ip_forward"), "1");
	const struct hull_seccomp *sc = &l->seccomp;
	ck_assert(sc->present);
	ck_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
	ck_assert(sc->has_default_errno_ret && sc->default_errno_ret == 1);
	ck_assert_str_eq(sc->architectures[1], "SCMP_ARCH_X86");
	ck_assert_str_eq(sc->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	ck_assert_str_eq(sc->listener_path, "/run/seccomp-agent.sock");
	ck_assert_str_eq(sc->listener_metadata, "meta");
	ck_assert_uint_eq(sc->n_syscalls, 4);
	ck_assert_str_eq(sc->syscalls[0].names[1], "write");
	ck_assert_uint_eq(sc->syscalls[1].args[0].value, 4294967295u);
	ck_assert_str_eq(sc->syscalls[1].args[0].op, "SCMP_CMP_EQ");
	ck_assert(sc->syscalls[3].has_errno_ret && sc->syscalls[3].errno_ret == 38);
	ck_assert(sc->syscalls[3].args[0].index == 5 && sc->syscalls[3].args[0].value == UINT64_MAX);
	ck_assert_str_eq(l->rootfs_propagation, "rslave");
	ck_assert_str_eq(l->masked_paths[0], "/proc/kcore");
	ck_assert_str_eq(l->readonly_paths[0], "/proc/sys");
	ck_assert_str_eq(l->mount_label, "system_u:object_r:container_file_t:s0");
	ck_assert(l->personality.present);
	ck_assert_str_eq(l->personality.domain, "LINUX32");
	ck_assert_str_eq(hull_kv_get(l->net_devices, l->n_net_devices, "eth1"), "ceth0");
	ck_assert_str_eq(hull_kv_get(l->net_devices, l->n_net_devices, "dummy0"), "");
	ck_assert(l->memory_policy.present);
	ck_assert_str_eq(l->memory_policy.mode, "MPOL_INTERLEAVE");
	ck_assert_str_eq(l->memory_policy.nodes, "0-1");
	ck_assert_str_eq(l->memory_policy.flags[0], "MPOL_F_STATIC_NODES");
	hull_spec_free(s);
}
END_TEST

START_TEST(test_default_spec_parses_back)
{
	for (int rootless = 0; rootless <= 1; rootless++) {
		_cleanup_free_ char *json = hull_spec_default_json(rootless);
		struct hull_error err = { 0 };
		struct hull_spec *s = NULL;
		ck_assert_msg(hull_spec_parse(json, strlen(json), &s, &err) == 0, "%s", err.msg);
		ck_assert_str_eq(s->oci_version, HULL_OCI_VERSION);
		ck_assert(s->process.terminal);
		ck_assert_str_eq(s->process.args[0], "sh");
		ck_assert_ptr_null(s->process.args[1]);
		ck_assert_str_eq(s->process.cwd, "/");
		ck_assert(s->process.no_new_privileges);
		ck_assert_str_eq(s->process.capabilities.bounding[2], "CAP_NET_BIND_SERVICE");
		ck_assert_int_eq(s->process.rlimits[0].resource, RLIMIT_NOFILE);
		ck_assert_str_eq(s->hostname, "hull");
		ck_assert_str_eq(s->root_path, "rootfs");
		ck_assert_uint_eq(s->n_mounts, 7);
		ck_assert_str_eq(s->mounts[6].destination, "/sys/fs/cgroup");
		/* runc 1.1.5's default: no cgroup namespace; ambient = the other sets */
		ck_assert_ptr_null(hull_spec_namespace(s, HULL_NS_CGROUP));
		ck_assert_uint_eq(hull_strv_len(s->process.capabilities.ambient), 3);
		ck_assert_str_eq(s->process.capabilities.ambient[1], "CAP_KILL");
		ck_assert_uint_eq(hull_strv_len(s->linux_.masked_paths), 11);
		if (rootless) {
			ck_assert_ptr_null(hull_spec_namespace(s, HULL_NS_NET));
			ck_assert_ptr_nonnull(hull_spec_namespace(s, HULL_NS_USER));
			ck_assert_uint_eq(s->linux_.uid_mappings[0].host_id, geteuid());
			ck_assert_uint_eq(s->linux_.gid_mappings[0].size, 1);
			ck_assert_str_eq(s->mounts[5].type, "none");
			ck_assert_str_eq(s->mounts[5].options[0], "rbind");
			for (char **o = s->mounts[2].options; *o; o++)
				ck_assert(!hull_str_has_prefix(*o, "gid="));
			ck_assert(!s->linux_.resources.present);
		} else {
			ck_assert_ptr_nonnull(hull_spec_namespace(s, HULL_NS_NET));
			ck_assert_ptr_null(hull_spec_namespace(s, HULL_NS_USER));
			ck_assert_str_eq(s->mounts[5].type, "sysfs");
			ck_assert_str_eq(s->mounts[2].options[5], "gid=5");
			ck_assert_uint_eq(s->linux_.resources.n_devices, 1);
		}
		hull_spec_free(s);
	}
}
END_TEST

START_TEST(test_parse_process_and_resources)
{
	struct hull_error err = { 0 };
	struct hull_process p;
	_cleanup_free_ char *pj = dq("{'args':['ls','-l'],'cwd':'/tmp','env':['A=1'],'user':{'uid':1,'gid':2}}");
	ck_assert_int_eq(hull_spec_parse_process(pj, strlen(pj), &p, &err), 0);
	ck_assert(p.present);
	ck_assert_str_eq(p.args[1], "-l");
	ck_assert_uint_eq(p.gid, 2);
	hull_process_clear(&p);
	ck_assert_ptr_null(p.args);
	_cleanup_free_ char *bad_p = dq("{'args':['ls'],'cwd':'/','rlimits':[{'type':'RLIMIT_X','hard':1,'soft':1}]}");
	ck_assert_int_lt(hull_spec_parse_process(bad_p, strlen(bad_p), &p, &err), 0);
	ck_assert_str_eq(err.msg, "process.json: rlimits[0].type: unknown rlimit \"RLIMIT_X\"");
	hull_error_clear(&err);
	ck_assert_int_lt(hull_spec_parse_process("[]", 2, &p, &err), 0);
	ck_assert_str_eq(err.msg, "process.json: expected an object, got an array");
	hull_error_clear(&err);

	struct hull_resources r;
	_cleanup_free_ char *rj = dq("{'memory':{'limit':1048576},'cpu':{'quota':-1},'pids':{'limit':10}}");
	ck_assert_int_eq(hull_spec_parse_resources(rj, strlen(rj), &r, &err), 0);
	ck_assert(r.present && r.memory.has_limit && r.memory.limit == 1048576);
	ck_assert(r.cpu.has_quota && r.cpu.quota == -1);
	ck_assert(r.has_pids && r.pids_limit == 10);
	hull_resources_clear(&r);
	/* what Docker sends on update: every field, most of them 0, swappiness -1 as a uint64 */
	_cleanup_free_ char *docker = dq("{'memory':{'limit':0,'reservation':0,'swap':0,'kernel':0,'kernelTCP':0,"
					 "'swappiness':18446744073709551615,'disableOOMKiller':false},"
					 "'cpu':{'shares':0,'quota':0,'period':0,'realtimeRuntime':0,'realtimePeriod':0,"
					 "'cpus':'','mems':''},'blockIO':{'weight':0},'pids':{'limit':0}}");
	ck_assert_int_eq(hull_spec_parse_resources(docker, strlen(docker), &r, &err), 0);
	ck_assert(r.memory.has_swappiness && r.memory.swappiness == UINT64_MAX);
	ck_assert(r.cpu.has_shares && r.cpu.shares == 0 && r.has_blkio && r.blkio.weight == 0);
	hull_resources_clear(&r);
	_cleanup_free_ char *bad_r = dq("{'memory':{'limit':'1G'}}");
	ck_assert_int_lt(hull_spec_parse_resources(bad_r, strlen(bad_r), &r, &err), 0);
	ck_assert_str_eq(err.msg, "resources.json: memory.limit: expected an integer, got \"1G\"");
	hull_error_clear(&err);
	ck_assert_int_lt(hull_spec_parse_resources("{", 1, &r, &err), 0);
	ck_assert(hull_str_has_prefix(err.msg, "resources.json: invalid JSON"));
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_lookups)
{
	ck_assert_str_eq(hull_ns_type_name(HULL_NS_PID), "pid");
	ck_assert_str_eq(hull_ns_type_name(HULL_NS_NET), "network");
	ck_assert_str_eq(hull_ns_type_name(HULL_NS_MNT), "mount");
	ck_assert_str_eq(hull_ns_type_name(HULL_NS_TIME), "time");
	ck_assert_str_eq(hull_ns_type_name(HULL_NS_COUNT), "unknown");
	ck_assert_ptr_null(hull_spec_namespace(NULL, HULL_NS_PID));
	ck_assert_ptr_null(hull_kv_get(NULL, 0, "x"));
	hull_spec_free(NULL);
	hull_process_clear(NULL);
	hull_resources_clear(NULL);
}
END_TEST

/* ---- json.c: paths and the generator ------------------------------------------------------ */

START_TEST(test_json_paths)
{
	struct hull_error err = { 0 };
	struct hull_json j;
	hull_json_init(&j, "doc.json", &err);
	ck_assert_int_lt(hull_json_fail(&j, "top %d", 1), 0);
	ck_assert_str_eq(err.msg, "doc.json: top 1");
	size_t m = hull_json_push_key(&j, "a");
	hull_json_push_index(&j, 3);
	hull_json_push_key(&j, "b-c");
	hull_json_push_key(&j, "d");
	hull_json_fail(&j, "bad");
	ck_assert_str_eq(err.msg, "doc.json: a[3][\"b-c\"].d: bad");
	hull_json_pop(&j, m);
	hull_json_fail_at(&j, "k", "x");
	ck_assert_str_eq(err.msg, "doc.json: k: x");
	/* A path longer than the buffer is cut, never overflowed. */
	for (int i = 0; i < 500; i++)
		hull_json_push_key(&j, "abcdefgh");
	hull_json_fail(&j, "deep");
	ck_assert_int_lt(strlen(err.msg), 1100);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_jgen)
{
	yajl_gen g = hull_jgen_new(NULL);
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "s", "a\"b");
	hull_jgen_kstr(g, "n", NULL);
	hull_jgen_kint(g, "i", -5);
	hull_jgen_kuint(g, "u", UINT64_MAX);
	hull_jgen_kbool(g, "b", false);
	hull_jgen_kstrv(g, "v", (const char *const[]){ "x", "y", NULL });
	hull_jgen_kstrv(g, "e", NULL);
	yajl_gen_map_close(g);
	_cleanup_free_ char *out = hull_jgen_finish(g);
	ck_assert_str_eq(out, "{\"s\":\"a\\\"b\",\"n\":null,\"i\":-5,\"u\":18446744073709551615,\"b\":false,"
			      "\"v\":[\"x\",\"y\"],\"e\":[]}");
	g = hull_jgen_new("  ");
	yajl_gen_map_open(g);
	hull_jgen_kint(g, "a", 1);
	yajl_gen_map_close(g);
	_cleanup_free_ char *pretty = hull_jgen_finish(g);
	ck_assert_str_eq(pretty, "{\n  \"a\": 1\n}\n");
}
END_TEST

START_TEST(test_features_json)
{
	_cleanup_free_ char *json = hull_features_json();
	ck_assert(hull_str_has_prefix(json, "{\n    \"ociVersionMin\": \"1.0.0\",\n    \"ociVersionMax\": \"1.2.0\""));
	struct hull_error err = { 0 };
	yajl_val v = NULL;
	ck_assert_int_eq(hull_json_parse(json, strlen(json), "features", &v, &err), 0);
	const char *p_hooks[] = { "hooks", NULL };
	ck_assert_uint_eq(yajl_tree_get(v, p_hooks, yajl_t_array)->u.array.len, 6);
	const char *p_caps[] = { "linux", "capabilities", NULL };
	yajl_val caps = yajl_tree_get(v, p_caps, yajl_t_array);
	ck_assert_ptr_nonnull(caps);
	ck_assert_uint_gt(caps->u.array.len, 37);
	ck_assert_str_eq(caps->u.array.values[0]->u.string, "CAP_CHOWN");
	const char *p_nd[] = { "linux", "netDevices", "enabled", NULL };
	yajl_val nd = yajl_tree_get(v, p_nd, yajl_t_any);
#ifdef HULL_HAVE_MNL
	ck_assert(YAJL_IS_TRUE(nd));
#else
	ck_assert(YAJL_IS_FALSE(nd));
#endif
	const char *p_arch[] = { "linux", "seccomp", "archs", NULL };
	yajl_val archs = yajl_tree_get(v, p_arch, yajl_t_array);
	bool x86_64 = false;
	for (size_t i = 0; i < archs->u.array.len; i++)
		x86_64 |= strcmp(archs->u.array.values[i]->u.string, "SCMP_ARCH_X86_64") == 0;
	ck_assert(x86_64);
	const char *p_ann[] = { "annotations", "io.github.seccomp.libseccomp.version", NULL };
	ck_assert_ptr_nonnull(yajl_tree_get(v, p_ann, yajl_t_string));
	yajl_tree_free(v);
}
END_TEST

/* linux.netDevices at create: a build without libmnl refuses it (saying which build has
 * it), and it needs a network namespace; without entries nothing is asked. */
START_TEST(test_netdev_validate)
{
	struct hull_error err = { 0 };
	struct hull_spec *none = parse_ok(LNX("'namespaces':[{'type':'mount'}]"));
	ck_assert_int_eq(hull_netdev_validate(none, &err), 0);
	hull_spec_free(none);
	struct hull_spec *s = parse_ok(LNX("'namespaces':[{'type':'network'}],'netDevices':{'eth9':{'name':'c0'}}"));
	int r = hull_netdev_validate(s, &err);
#ifdef HULL_HAVE_MNL
	ck_assert_int_eq(r, 0);
#else
	ck_assert_int_eq(r, -1);
	ck_assert_str_eq(err.msg, "config.json: linux.netDevices: this hull was built without libmnl (static build); "
				  "build with ./configure --disable-static-runtime");
	hull_error_clear(&err);
#endif
	hull_spec_free(s);
	s = parse_ok(LNX("'namespaces':[{'type':'mount'}],'netDevices':{'eth9':{}}"));
	ck_assert_int_eq(hull_netdev_validate(s, &err), -1);
	ck_assert(hull_str_has_prefix(err.msg, hull_netdev_supported()
						       ? "config.json: linux.netDevices: needs a network namespace"
						       : "config.json: linux.netDevices: this hull was built without libmnl"));
	hull_error_clear(&err);
	hull_spec_free(s);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("errors");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_error_table, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_huge_numbers);
	tcase_add_test(tc, test_long_strings_truncated_in_messages);
	tcase_add_test(tc, test_mutations_do_not_crash);
	tcase_add_test(tc, test_wrong_types_everywhere);
	tcase_add_test(tc, test_broken_fixtures);
	tcase_add_test(tc, test_load_errors);
	suite_add_tcase(s, tc);
	TCase *ok = tcase_create("valid");
	tcase_add_test(ok, test_minimal);
	tcase_add_test(ok, test_netdev_validate);
	tcase_add_test(ok, test_unknown_keys_and_nulls);
	tcase_add_test(ok, test_duplicate_keys_last_wins);
	tcase_add_test(ok, test_process_defaults);
	tcase_add_test(ok, test_relative_mount_destination);
	tcase_add_test(ok, test_namespace_empty_path);
	tcase_add_test(ok, test_pids_without_limit);
	tcase_add_test(ok, test_maximal_fixture);
	tcase_add_test(ok, test_maximal_fixture_linux);
	tcase_add_test(ok, test_default_spec_parses_back);
	tcase_add_test(ok, test_any_oci_version);
	tcase_add_test(ok, test_parse_process_and_resources);
	tcase_add_test(ok, test_lookups);
	tcase_add_test(ok, test_json_paths);
	tcase_add_test(ok, test_jgen);
	tcase_add_test(ok, test_features_json);
	suite_add_tcase(s, ok);
	return s;
}
