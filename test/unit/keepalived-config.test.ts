import { describe, expect, it } from 'vitest';
import { parseKeepalivedConfig, type KeepalivedConfig, type VrrpInstance } from '../../runner/keepalived/config.ts';

/**
 * Expected values follow keepalived 2.2.7 (the lab nodes' version). Where a test says "keepalived
 * does X", that was checked against `keepalived --config-test` and the configuration dump
 * (SIGUSR1, /tmp/keepalived.data) of the real binary in the lab node image.
 */

function only(config: KeepalivedConfig): VrrpInstance {
  expect(config.instances).toHaveLength(1);
  return config.instances[0]!;
}

/** The warnings mentioning a line, for asserting where a problem was reported. */
function warningsAt(config: KeepalivedConfig, line: number): string[] {
  return config.warnings.filter((w) => w.startsWith(`line ${line}:`));
}

/** A minimal valid instance body, so tests only write what they are about. */
function instance(body: string, name = 'VI_1'): string {
  return `vrrp_instance ${name} {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    10.88.1.100\n  }\n${body}\n}\n`;
}

// ---------------------------------------------------------------------------------------------
// Fixtures taken from the seed tutorials (/work/shared/seeds), comments and mistakes included.

/** Seed 000 §2, typed in as the tutorial shows it: notes after values, `prioity`, `vitual_ipaddress`. */
const SEED_000_BASIC = `! Configuration File for keepalived

global_defs {
\tnotification_email {
\t    xx@xx.xx\t收件箱
\t}
\tnotification_email_from keepalived@localhost
\tsmtp_server 127.0.0.1  本机的smtp server要启用咯 postfix
\trouter_id keep1   # 每个服务器起个自己的名字，比如keep1
}

vrrp_instance VI_1 {
\tstate MASTER
\tinterface eth0
\tvirtual_router_id 66   # 写个编号比如66，注意两台都写66，虚拟成一个路由器
\tprioity 100
\tauthentication {
    \t\tauth_type PASS
    \t\tauth_pass  xxx   写两台的协商密码；据说密码即使设置了，抓包也是明文的。怀疑~
    \t}
\tvitual_ipaddress {
\t\t192.168.126.100/24 dev eth0 label eth0:1
\t}
\tnotify_master "/etc/keepalived/notify.sh master"  # 切成master就执行这一行
\tnotify_bakcup "/etc/keepalived/notify.sh backup"
}

virtual_server 192.168.126.100 443 {
\t这些就是LVS了，L4的调度了，本次实验只是用keepalive做nginx的HA，所以这里不管了后面全删掉
\treal_server 192.168.126.10 443 {
\t\tweight 1
\t\tTCP_CHECK {
\t\t\tconnect_timeout 3
\t\t}
\t}
}
`;

/** Seed 000, the "upyun" VRRPv3 config: advert_int 0.03, notify, track_script, include. */
const SEED_000_UPYUN = `! Configuration File for keepalived

global_defs {
   router_id SLB-SAD
   script_user root
   enable_script_security
   # 检查vrrp报文中的所有地址比较耗时。默认是跳过检查
   vrrp_skip_check_adv_addr
   # 重点是启用vrrp3
   vrrp_version 3
}

vrrp_script chk_upyun {
   # 除了心跳检测外，还可以调用脚本做业务上的健康检测
   script       "/etc/keepalived/bin/check_vip.sh"
   interval 1   # check every 1 seconds  # 👈是不是要改小一点才能配得上vrrp v3的厘秒啊
   fall   1     # require 2 failures for failures
   rise   1     # require 1 sucesses for ok
   # weight 值为负数时，当脚本检测失败时，Master节点的权值将是“priority“值与“weight”值之差
   weight -30   
}


vrrp_instance upyun_lb {
    strict_mode off
    advert_int 0.03
    state BACKUP
    interface eth3
    virtual_router_id 19
    priority 100
    # 当master和backup角色转换时，触发脚本做业务上的切换
    notify "/etc/keepalived/bin/change_state.sh"  # 这里就是0.03秒就会nofiy了。

    track_script {
        chk_upyun
    }
    
    virtual_ipaddress {
        192.168.147.19 label eth3:9
    }
}
# 这一段是可选的，如果和lvs规则就可以调用ipvsadm的转发规则
include /etc/keepalived/virserver.conf
`;

/** Seed 001: two nodes, instance names VI_7 and VI_10, comments after values. */
const SEED_001_LB1 = `! Configuration File for keepalived

global_defs {
   router_id LVS_7
}

vrrp_instance VI_7 {
    state MASTER
    interface ens33
    virtual_router_id 51
    priority 100  # 优先级高于从
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.168.200.254
    }
}
`;
const SEED_001_LB2 = SEED_001_LB1.replace('LVS_7', 'LVS_DEVEL').replace('VI_7', 'VI_10').replace('priority 100  # 优先级高于从', 'priority 50  # 优先级低于主');

/** Seed 002 §4.1: multicast master with a full global_defs (vrrp_strict!) and comments everywhere. */
const SEED_002_MULTICAST = `global_defs  {    #全局配置        
   notification_email {  #指定keepalived在发生切换时需要发送email到的对象，可以放多个，一行一个
    root@xiangzi.net
   }
   notification_email_from root@xiangzi.net #指定发件人
   smtp_server localhost #指定smtp服务器地址，stmp:简单的邮件传输协议
   smtp_connect_timeout 30 #指定smtp连接超时时间
   #不严格遵循vrrp 规则不然后面起不来，进程相关的。优化参数
   router_id LVS_DEVEL #运行keepalived机器的一个标识,主机名保证每一个都不一样
   vrrp_skip_check_adv_addr #跳过检查数据报文，打开消耗性能
   vrrp_strict #严格遵守VRRP协议,不允许状况:1,没有VIP地址,2.单播邻居,3.在VRRP版本2中有IPv6地址.
   vrrp_garp_interval 0     #ARP报文发送延迟
   vrrp_gna_interval 0    #消息发送延迟
   vrrp_mcast_group4 224.0.0.18 #默认组播IP地址，224.0.0.0到239.255.255.255
   vrrp_iptables   #原来有iptables规则，拒绝所有访问的包，可以访问出去，不能回来；打开可以关闭iptables规则;

}

vrrp_instance VIP1 {      #设置实例名称一般使用业务相关的名称  VIP1    
    state MASTER      # 描述    
    interface eth0   #生成的网络接口，要网络接口要存在。
    virtual_router_id 76    #虚拟的路由ID，0~255，不要与人冲突。
    priority 100    #优先级，通常master优先级比slave高50
    advert_int 2     #设置默认探测时间，1s太短，网络有时候就需要2，3秒。
    authentication {    #认证机制
        auth_type PASS
        auth_pass redhat   #仅前八位数有效
    }   
    virtual_ipaddress {    #虚拟的VIP地址，可以写多个VIP
        172.20.76.100 dev eth0 label eth0:0   #绑定的接口是eth0，标签子接口是 eth0:0      
    }   
}
`;

/** Seed 002 §4.3 + §5.5–5.6: unicast master/master on 172.20.76.18, scripts, notify, include, LVS. */
const SEED_002_MASTER_MASTER = `vrrp_script chk_down { #定义脚本名称
        script "/bin/bash -c '[[ -f /etc/keepalived/down ]]' && exit 7 || exit 0" #检测文件/etc/keepalived/down是否存在
        interval 2
        weight -50 #若检测不成功则优先级-50
        fall 3
        rise 5
        timeout 2
}
vrrp_script linux_ping { #定义脚本名称
        script /etc/keepalived/ping.sh #检测脚本位置
        interval 2
        weight -50 #若检测不成功则优先级-50
        fall 3
        rise 5
        timeout 2
}
# master：172.20.76.18
vrrp_instance VIP1 {
    state MASTER        
    interface eth0
    virtual_router_id 76   
    priority 100
   advert_int 2 
    unicast_src_ip 172.20.76.18
    unicast_peer {
        172.20.76.28
    }
    authentication {
      auth_type PASS
      auth_pass redhat
   }   
  virtual_ipaddress {
     172.20.76.187 dev eth0 label eth0:0    # 将VIP1的VIP写在这
     172.20.76.188 dev eth0 label eth0:1                                          
  }   
  notify_master "/etc/keepalived/notify.sh master"
  notify_backup "/etc/keepalived/notify.sh backup"
  notify_fault "/etc/keepalived/notify.sh fault"
  track_script {
        chk_down
        }
}

# BACKUP :172.20.76.18
vrrp_instance VIP2 {
    state BACKUP    
    interface eth0
    virtual_router_id 176 
    priority 80
    advert_int 2 
    unicast_src_ip 172.20.76.18
    unicast_peer {
        172.20.76.28
    }   
    authentication {
      auth_type PASS
      auth_pass redhat
   }   
  virtual_ipaddress {
     172.20.76.189 dev eth0 label eth0:2    #将VIP2的VIP全部写在这儿
     172.20.76.190 dev eth0 label eth0:3    
  }   
  track_script {
        linux_ping weight -20
        }
} 
 include /etc/keepalived/conf/*.conf   

virtual_server 172.20.76.187 80 {
        delay_loop 6
        lb_algo wrr
        lb_kind DR
        #persistence_timeout 120 #会话保持时间
        protocol TCP
\t\t
\tsorry_server 172.20.76.58 80
\t\t
        real_server 172.20.76.38 80 {
        weight 1
        HTTP_GET {
        url {
                path /test/index.html #监测web服务器的此界面
                status_code 200 #返回状态码为200才确认该服务存活，不然就踢出组
        }
        connect_timeout 5
        nb_get_retry 3
        delay_before_retry 3
        }
   }
}
`;

/** Seed 002 §4.4: the non-preemptive master (both BACKUP, nopreempt on the preferred one). */
const SEED_002_NOPREEMPT = `vrrp_instance VIP1 {
    state BACKUP    #将master改成backup
    interface eth0
    virtual_router_id 76   
    priority 100 
   advert_int 2 
   nopreempt    #添加这一行，#关闭VIP抢占，需要VIP state都为BACKUP
    unicast_src_ip 172.20.76.18
    unicast_peer {
        172.20.76.28
    }
    authentication {
      auth_type PASS
      auth_pass redhat
   }   
  virtual_ipaddress {
     172.20.76.187 dev eth0 label eth0:0                                          
  }   
}
`;

/** Seed 003 §2.4.2: the global_defs as the page renders it, squashed onto one line. */
const SEED_003_ONE_LINE = `#/etc/keepalived/keepalived.conf
global_defs {notification_email {root@localhost#keepalived 发生故障切换时邮件发送的目标邮箱,可以按行区分写多个root@localhost360601212@qq.com }notification_email_from keepalived@localhost #发邮件的地址smtp_server 127.0.0.1 #邮件服务器地址
vrrp_strict
#严格遵守VRRP协议,启用此项后以下状况将无法启动服务:1.无VIP地址 2.配置了单播邻居 3.在VRRP版本2中有IPv6地址
}
`;

/** Seed 004: master config with blank lines everywhere, nopreempt on a MASTER, `debug`, a note in track_script. */
const SEED_004_MASTER = `! Configuration File for keepalived


#core的定义

global_defs {

   notification_email {

        735896273@qq.com

      }

   notification_email_from andy@126.com

   smtp_server 127.0.0.1

   smtp_connect_timeout 30

   router_id LVS_DEVEL

}


#定义检查脚本

vrrp_script check_http {

        script "/root/check_nginx.sh"    # verify the pid existance

        interval 2                    # check every 2 seconds

        weight   2                    # add 2 points of prio if OK 如果检测监本是成功的则优先级加2

}


#配置实例

vrrp_instance VI_1 {

    state MASTER    #主机为MASTER,备用机为BACKUP

    interface eth0                   #interface to monitor   #HA监测网络接口

    virtual_router_id 51             # Assign one ID for this route 主、备机的virtual_router_id必须相同

    priority 101                     # 101 on master,100 on backup

    nopreempt  #非抢占(因为默认如果master挂了,backup顶上去,即使master恢复也不抢占!

    debug

    authentication {

            auth_type PASS          ##VRRP认证方式

            auth_pass mynginx       #密码为mynginx

        }

#VIP地址

    virtual_ipaddress {

            192.168.100.12

        }


    track_script {

                 check_http  (调用nginx进程检测脚本)

        }



}
`;

// ---------------------------------------------------------------------------------------------

describe('parseKeepalivedConfig: seed 000 (basic master, typed with its notes and typos)', () => {
  const config = parseKeepalivedConfig(SEED_000_BASIC);
  const vi1 = only(config);

  it('reads global_defs around the notes written after values', () => {
    expect(config.global.routerId).toBe('keep1');
    expect(config.global.notificationEmailFrom).toBe('keepalived@localhost');
    expect(config.global.notificationEmail).toEqual(['xx@xx.xx', '收件箱']);
    expect(warningsAt(config, 5).join()).toMatch(/'收件箱'.*not an email address/);
  });

  it('rejects the smtp_server whose note keepalived reads as a port, as keepalived does', () => {
    expect(config.global.smtpServer).toBeUndefined();
    expect(warningsAt(config, 8).join()).toMatch(/'本机的smtp'.*port.*rejects the smtp_server/);
  });

  it('flags `prioity` with a suggestion, and so gives state MASTER the address-owner priority 255', () => {
    expect(warningsAt(config, 16)).toEqual([expect.stringMatching(/unknown keyword 'prioity'.*Did you mean 'priority'\?/)]);
    expect(vi1.state).toBe('MASTER');
    expect(vi1.priority).toBe(255);
    expect(warningsAt(config, 12).join()).toMatch(/state MASTER and no priority.*priority 255/);
  });

  it('flags `vitual_ipaddress`, whose ignored `{` makes its `}` close the vrrp_instance early', () => {
    const at21 = warningsAt(config, 21).join('\n');
    expect(at21).toMatch(/unknown keyword 'vitual_ipaddress'.*Did you mean 'virtual_ipaddress'\?/);
    expect(at21).toMatch(/closes vrrp_instance VI_1 instead/);
    expect(vi1.virtualIpAddresses).toEqual([]);
    // What followed the early '}' is outside the instance: keepalived ignores it.
    expect(vi1.notify).toEqual({});
    expect(warningsAt(config, 24).join()).toMatch(/'notify_master' belongs inside a vrrp_instance block/);
    expect(warningsAt(config, 25).join()).toMatch(/unknown keyword 'notify_bakcup'.*Did you mean 'notify_backup'\?/);
    expect(warningsAt(config, 26).join()).toMatch(/extra '}'/);
  });

  it('keeps only the first word of auth_pass and says the note after it is ignored', () => {
    expect(vi1.authType).toBe('PASS');
    expect(vi1.authPass).toBe('xxx');
    expect(vi1.authPassEffective).toBe('xxx');
    expect(warningsAt(config, 19).join()).toMatch(/'auth_pass' takes one value; keepalived ignores '写两台的协商密码/);
  });

  it('skips the virtual_server block whole, nested blocks and Chinese notes included', () => {
    expect(config.warnings.filter((w) => /line (2[89]|3[0-5]):/.test(w))).toEqual([]);
  });
});

describe('parseKeepalivedConfig: seed 000 (upyun, VRRPv3)', () => {
  const config = parseKeepalivedConfig(SEED_000_UPYUN);
  const inst = only(config);

  it('raises no warning for a valid config full of comments', () => {
    expect(config.warnings).toEqual([]);
  });

  it('reads global_defs keywords with their exact spellings', () => {
    expect(config.global).toMatchObject({ routerId: 'SLB-SAD', scriptUser: 'root', enableScriptSecurity: true, vrrpVersion: 3, vrrpStrict: false });
  });

  it('keeps the fractional advert_int under VRRPv3 and an instance name other than VI_1', () => {
    expect(inst.name).toBe('upyun_lb');
    expect(inst.effectiveVersion).toBe(3);
    expect(inst.version).toBeUndefined();
    expect(inst.advertIntS).toBe(0.03);
    expect(inst.strictMode).toBe(false);
  });

  it('reads the vrrp_script with weight -30 and the generic notify', () => {
    expect(config.scripts.chk_upyun).toMatchObject({ script: '/etc/keepalived/bin/check_vip.sh', intervalS: 1, fall: 1, rise: 1, weight: -30 });
    expect(inst.trackScripts).toEqual([{ name: 'chk_upyun' }]);
    expect(inst.notify).toEqual({ any: '/etc/keepalived/bin/change_state.sh' });
  });

  it('records the include without following it, and takes the address part of a labelled VIP', () => {
    expect(config.includes).toEqual(['/etc/keepalived/virserver.conf']);
    expect(inst.virtualIpAddresses).toEqual(['192.168.147.19']);
  });
});

describe('parseKeepalivedConfig: seed 001 (two MASTERs with different priorities)', () => {
  it('reads both nodes, with their own instance names and the comment after priority', () => {
    const lb1 = parseKeepalivedConfig(SEED_001_LB1);
    const lb2 = parseKeepalivedConfig(SEED_001_LB2);
    expect(lb1.warnings).toEqual([]);
    expect(lb2.warnings).toEqual([]);
    expect(only(lb1)).toMatchObject({ name: 'VI_7', state: 'MASTER', interface: 'ens33', virtualRouterId: 51, priority: 100, advertIntS: 1, authPassEffective: '1111', virtualIpAddresses: ['192.168.200.254'] });
    expect(only(lb2)).toMatchObject({ name: 'VI_10', state: 'MASTER', priority: 50, virtualRouterId: 51 });
    expect(lb2.global.routerId).toBe('LVS_DEVEL');
  });
});

describe('parseKeepalivedConfig: seed 002', () => {
  it('multicast master: vrrp_strict in global_defs, and what strict mode overrides', () => {
    const config = parseKeepalivedConfig(SEED_002_MULTICAST);
    const vip1 = only(config);
    expect(config.global).toMatchObject({ vrrpStrict: true, routerId: 'LVS_DEVEL', smtpServer: 'localhost', notificationEmail: ['root@xiangzi.net'], notificationEmailFrom: 'root@xiangzi.net' });
    expect(vip1).toMatchObject({ name: 'VIP1', strictMode: true, advertIntS: 2, priority: 100, virtualIpAddresses: ['172.20.76.100'] });
    // keepalived: "(VIP1) State MASTER must match being address owner", "Strict mode does not support authentication. Ignoring."
    expect(warningsAt(config, 19).join()).toMatch(/strict mode.*state MASTER requires priority 255.*BACKUP/);
    expect(vip1.authPass).toBe('redhat');
    expect(vip1.authPassEffective).toBeUndefined();
    expect(warningsAt(config, 25).join()).toMatch(/strict mode.*does not support authentication/);
    expect(config.warnings).toHaveLength(2);
  });

  it('master/master over unicast: two instances, scripts with and without a weight override, notify, include, LVS skipped', () => {
    const config = parseKeepalivedConfig(SEED_002_MASTER_MASTER);
    expect(config.warnings).toEqual([]);
    const [vip1, vip2] = config.instances;
    expect(vip1).toMatchObject({ name: 'VIP1', state: 'MASTER', virtualRouterId: 76, priority: 100, unicastSrcIp: '172.20.76.18', unicastPeers: ['172.20.76.28'] });
    expect(vip2).toMatchObject({ name: 'VIP2', state: 'BACKUP', virtualRouterId: 176, priority: 80, unicastSrcIp: '172.20.76.18', unicastPeers: ['172.20.76.28'] });
    expect(vip1!.virtualIpAddresses).toEqual(['172.20.76.187', '172.20.76.188']);
    expect(vip2!.virtualIpAddresses).toEqual(['172.20.76.189', '172.20.76.190']);
    expect(vip1!.trackScripts).toEqual([{ name: 'chk_down' }]);
    expect(vip2!.trackScripts).toEqual([{ name: 'linux_ping', weight: -20 }]);
    expect(vip1!.notify).toEqual({ master: '/etc/keepalived/notify.sh master', backup: '/etc/keepalived/notify.sh backup', fault: '/etc/keepalived/notify.sh fault' });
    expect(config.scripts.chk_down).toMatchObject({
      script: "/bin/bash -c '[[ -f /etc/keepalived/down ]]' && exit 7 || exit 0",
      intervalS: 2,
      weight: -50,
      fall: 3,
      rise: 5,
      timeoutS: 2,
    });
    expect(config.scripts.linux_ping?.script).toBe('/etc/keepalived/ping.sh');
    expect(config.includes).toEqual(['/etc/keepalived/conf/*.conf']);
  });

  it('non-preemptive master: state BACKUP with nopreempt keeps nopreempt', () => {
    const config = parseKeepalivedConfig(SEED_002_NOPREEMPT);
    expect(config.warnings).toEqual([]);
    expect(only(config)).toMatchObject({ state: 'BACKUP', priority: 100, nopreempt: true, preemptDelayS: 0, advertIntS: 2 });
  });
});

describe('parseKeepalivedConfig: seed 003 (global_defs squashed onto one line)', () => {
  const config = parseKeepalivedConfig(SEED_003_ONE_LINE);

  it('ends the line at the first # and reads the next line into notification_email, as keepalived does', () => {
    expect(config.global.notificationEmail).toEqual(['root@localhost', 'vrrp_strict']);
    expect(config.global.vrrpStrict).toBe(false);
    expect(warningsAt(config, 3).join()).toMatch(/'vrrp_strict'.*not an email address/);
  });

  it('reports the global_defs that is never closed', () => {
    // keepalived: "There are 1 missing '}'s or extra '{'s"
    expect(warningsAt(config, 2).join()).toMatch(/global_defs is not closed/);
  });
});

describe('parseKeepalivedConfig: seed 004 (nopreempt that "did not work")', () => {
  const config = parseKeepalivedConfig(SEED_004_MASTER);
  const vi1 = only(config);

  it('reads the config across blank lines and comments', () => {
    expect(config.global).toMatchObject({ routerId: 'LVS_DEVEL', smtpServer: '127.0.0.1', notificationEmail: ['735896273@qq.com'], notificationEmailFrom: 'andy@126.com' });
    expect(config.scripts.check_http).toMatchObject({ script: '/root/check_nginx.sh', intervalS: 2, weight: 2, fall: 1, rise: 1 });
    expect(vi1).toMatchObject({ state: 'MASTER', priority: 101, virtualRouterId: 51, authPassEffective: 'mynginx', virtualIpAddresses: ['192.168.100.12'] });
  });

  it('explains why nopreempt did nothing: keepalived clears it for state MASTER', () => {
    expect(vi1.nopreempt).toBe(false);
    expect(warningsAt(config, 50).join()).toMatch(/nopreempt does not work with state MASTER/);
  });

  it('flags `debug` without a level, which stops keepalived 2.2.7', () => {
    expect(warningsAt(config, 52).join()).toMatch(/'debug'.*needs a value.*missing a parameter/);
  });

  it('drops the track_script line carrying a note, as keepalived does, and says the script is then unused', () => {
    expect(vi1.trackScripts).toEqual([]);
    expect(warningsAt(config, 73).join()).toMatch(/track_script line 'check_http {2}\(调用nginx进程检测脚本\)' is not 'NAME \[weight N\]'/);
    expect(warningsAt(config, 27).join()).toMatch(/check_http is not used/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('parseKeepalivedConfig: syntax', () => {
  it('accepts braces on the next line, tabs and CRLF line ends', () => {
    const text = 'vrrp_instance\tweb\r\n{\r\n\tstate\tBACKUP\r\n\tvirtual_router_id 9\r\n\tvirtual_ipaddress\r\n\t{\r\n\t\t10.0.0.1\r\n\t}\r\n}\r\n';
    const config = parseKeepalivedConfig(text);
    expect(config.warnings).toEqual([]);
    expect(only(config)).toMatchObject({ name: 'web', state: 'BACKUP', virtualRouterId: 9, virtualIpAddresses: ['10.0.0.1'] });
  });

  it('accepts whole blocks on one line, since every brace is a line of its own for keepalived', () => {
    const config = parseKeepalivedConfig('vrrp_instance VI_1 { state BACKUP } \nvrrp_script s { script /bin/true }');
    expect(only(config).state).toBe('BACKUP');
    expect(config.scripts.s?.script).toBe('/bin/true');
  });

  it('reads two settings on one line the way keepalived does: the second is ignored, with a warning', () => {
    const config = parseKeepalivedConfig(instance('  authentication { auth_type PASS auth_pass 1111 }'));
    const vi1 = only(config);
    expect(vi1.authType).toBe('PASS');
    expect(vi1.authPass).toBeUndefined();
    expect(vi1.authPassEffective).toBeUndefined();
    expect(config.warnings.join('\n')).toMatch(/'auth_type' takes one value; keepalived ignores 'auth_pass 1111'/);
    expect(config.warnings.join('\n')).toMatch(/auth_type PASS without auth_pass; keepalived uses no authentication/);
  });

  it('treats # and ! as comments anywhere outside double quotes, and \\# as a literal #', () => {
    const config = parseKeepalivedConfig(
      instance('  priority 90 ! lower than lb1\n  notify_master "/usr/local/bin/notify.sh #1 master" # quoted # stays\n  notify_backup /usr/local/bin/notify\\#2.sh'),
    );
    const vi1 = only(config);
    expect(vi1.priority).toBe(90);
    expect(vi1.notify.master).toBe('/usr/local/bin/notify.sh #1 master');
    expect(vi1.notify.backup).toBe('/usr/local/bin/notify#2.sh');
    expect(config.warnings).toEqual([]);
  });

  it('keeps braces inside double quotes', () => {
    const config = parseKeepalivedConfig('vrrp_script s {\n  script "/bin/sh -c \'test -n {x}\'"\n}\n' + instance('  track_script {\n    s\n  }'));
    expect(config.scripts.s?.script).toBe("/bin/sh -c 'test -n {x}'");
    expect(only(config).trackScripts).toEqual([{ name: 's' }]);
  });

  it('records include lines (also the includer variants) without reading them', () => {
    const config = parseKeepalivedConfig('include /etc/keepalived/conf.d/*.conf\n' + instance('  include "/etc/keepalived/vip.conf"') + 'includer /etc/keepalived/extra.conf\n');
    expect(config.includes).toEqual(['/etc/keepalived/conf.d/*.conf', '/etc/keepalived/vip.conf', '/etc/keepalived/extra.conf']);
    expect(config.warnings).toEqual([]);
  });

  it('skips blocks keepalived knows but the graders do not need, at any depth', () => {
    const config = parseKeepalivedConfig(
      'vrrp_sync_group G1 {\n  group {\n    VI_1\n  }\n}\nstatic_routes {\n  10.1.0.0/16 via 10.88.1.1\n}\n' +
        instance('  track_interface {\n    eth0 weight -10\n  }\n  garp_master_delay 1\n  use_vmac'),
    );
    expect(config.warnings).toEqual([]);
    expect(only(config).virtualIpAddresses).toEqual(['10.88.1.100']);
  });

  it('skips an unknown top-level block whole and suggests the keyword', () => {
    const config = parseKeepalivedConfig('vrrp_instanse VI_1 {\n  state MASTER\n  priority 100\n}\n');
    expect(config.instances).toEqual([]);
    expect(config.warnings).toEqual([
      expect.stringMatching(/^line 1: unknown keyword 'vrrp_instanse' in the top level.*Did you mean 'vrrp_instance'\?/),
      expect.stringMatching(/no vrrp_instance block/),
    ]);
  });

  it('explains a missing } before the next vrrp_instance, whose settings keepalived then applies to the first', () => {
    const config = parseKeepalivedConfig(
      'vrrp_instance A {\n  state MASTER\n  priority 100\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1\n  }\n\nvrrp_instance B {\n  virtual_router_id 2\n  priority 50\n}\n}\n',
    );
    const a = only(config);
    expect(a.name).toBe('A');
    expect(a.priority).toBe(50);
    expect(a.virtualRouterId).toBe(2);
    expect(warningsAt(config, 9)).toEqual([expect.stringMatching(/'vrrp_instance' starts a top-level block, but vrrp_instance A is still open: a '}' is missing above this line/)]);
    expect(warningsAt(config, 13)).toEqual([expect.stringMatching(/extra '}'/)]);
  });

  it('reports an unclosed block at the end of the file and a missing {', () => {
    const unclosed = parseKeepalivedConfig('vrrp_instance VI_1 {\n  state BACKUP\n  virtual_router_id 5\n  virtual_ipaddress {\n    10.0.0.5\n  }\n');
    expect(only(unclosed).virtualIpAddresses).toEqual(['10.0.0.5']);
    expect(warningsAt(unclosed, 1).join()).toMatch(/vrrp_instance VI_1 is not closed/);
    const noOpen = parseKeepalivedConfig('vrrp_instance VI_1\n  state BACKUP\n  virtual_router_id 5\n}\n');
    expect(only(noOpen).state).toBe('BACKUP');
    expect(warningsAt(noOpen, 1).join()).toMatch(/'\{' missing after vrrp_instance VI_1/);
  });

  it('flags a stray double quote', () => {
    const config = parseKeepalivedConfig(instance('  notify_master "/etc/keepalived/notify.sh master'));
    expect(config.warnings.join()).toMatch(/double quote is not closed/);
  });

  it('never throws, whatever it is given', () => {
    const pieces = ['{', '}', '"', '#', '!', '\\', '\n', '\r\n', '\t', ' ', 'vrrp_instance', 'vrrp_script', 'global_defs', 'track_script', 'virtual_ipaddress', 'authentication', 'weight', '-254', 'priority', 'state', 'MASTER', 'x', '10.0.0.1/24', 'include', '$X=1', '@lb1', '\u0000', '🙂', '收件箱'];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: Math.floor(random() * 60) }, () => pieces[Math.floor(random() * pieces.length)]).join(random() < 0.5 ? ' ' : '');
      const config = parseKeepalivedConfig(text);
      expect(Array.isArray(config.warnings)).toBe(true);
      for (const inst of config.instances) {
        expect(inst.priority).toBeGreaterThanOrEqual(1);
        expect(inst.priority).toBeLessThanOrEqual(255);
        expect(inst.advertIntS).toBeGreaterThan(0);
      }
    }
  });

  it('reports nothing but the missing instance for an empty file', () => {
    expect(parseKeepalivedConfig('')).toEqual({
      global: { vrrpStrict: false, notificationEmail: [], enableScriptSecurity: false },
      scripts: {},
      instances: [],
      includes: [],
      warnings: ['there is no vrrp_instance block, so keepalived runs no VRRP and never holds a VIP.'],
    });
  });

  it('lists warnings in file order', () => {
    const config = parseKeepalivedConfig(SEED_000_BASIC);
    const lines = config.warnings.map((w) => Number(/^line (\d+):/.exec(w)?.[1]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});

describe('parseKeepalivedConfig: defaults (keepalived 2.2.7)', () => {
  it('priority 100, advert_int 1, VRRPv2, 3 adverts before master down, preemption on, no smtp_alert', () => {
    const vi1 = only(parseKeepalivedConfig(instance('')));
    expect(vi1).toMatchObject({ priority: 100, advertIntS: 1, effectiveVersion: 2, downTimerAdverts: 3, nopreempt: false, preemptDelayS: 0, smtpAlert: false, strictMode: false });
  });

  it('state MASTER without priority is the address owner (255); no state and no priority is 100', () => {
    const master = parseKeepalivedConfig('vrrp_instance VI_1 {\n  state MASTER\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
    expect(only(master).priority).toBe(255);
    const none = parseKeepalivedConfig('vrrp_instance VI_1 {\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
    expect(only(none).priority).toBe(100);
    expect(only(none).state).toBeUndefined();
  });

  it('vrrp_script: interval 1, weight 0, fall 1, rise 1, no timeout', () => {
    const config = parseKeepalivedConfig('vrrp_script chk {\n  script "/usr/bin/killall -0 nginx"\n}\n' + instance('  track_script {\n    chk\n  }'));
    expect(config.scripts.chk).toEqual({ name: 'chk', line: 1, script: '/usr/bin/killall -0 nginx', intervalS: 1, weight: 0, weightReverse: false, fall: 1, rise: 1 });
  });

  it('the VRRP version comes from the instance, else global vrrp_version (wherever it is written), else 3 for IPv6', () => {
    const global3 = parseKeepalivedConfig(instance('') + 'global_defs {\n  vrrp_version 3\n}\n');
    expect(only(global3).effectiveVersion).toBe(3);
    const own = parseKeepalivedConfig('global_defs {\n  vrrp_version 3\n}\n' + instance('  version 2'));
    expect(only(own)).toMatchObject({ version: 2, effectiveVersion: 2 });
    const v6 = parseKeepalivedConfig('vrrp_instance VI_1 {\n  virtual_router_id 1\n  virtual_ipaddress {\n    fd00::100/64\n  }\n}\n');
    expect(only(v6)).toMatchObject({ effectiveVersion: 3, virtualIpAddresses: ['fd00::100'] });
  });

  it('smtp_alert: the instance, else global smtp_alert_vrrp, else global smtp_alert', () => {
    expect(only(parseKeepalivedConfig(instance('  smtp_alert'))).smtpAlert).toBe(true);
    expect(only(parseKeepalivedConfig('global_defs {\n  smtp_alert\n}\n' + instance(''))).smtpAlert).toBe(true);
    expect(only(parseKeepalivedConfig('global_defs {\n  smtp_alert true\n  smtp_alert_vrrp off\n}\n' + instance(''))).smtpAlert).toBe(false);
    expect(only(parseKeepalivedConfig('global_defs {\n  smtp_alert\n}\n' + instance('  smtp_alert no'))).smtpAlert).toBe(false);
  });

  it('down_timer_adverts: the instance, else the global value set before the instance', () => {
    expect(only(parseKeepalivedConfig(instance('  down_timer_adverts 5'))).downTimerAdverts).toBe(5);
    expect(only(parseKeepalivedConfig('global_defs {\n  vrrp_down_timer_adverts 4\n}\n' + instance(''))).downTimerAdverts).toBe(4);
  });
});

describe('parseKeepalivedConfig: vrrp_script and track_script', () => {
  const SCRIPT = 'vrrp_script chk_nginx {\n  script "/usr/bin/killall -0 nginx"\n  interval 2\n  weight -30\n  fall 2\n  rise 1\n}\n';

  it('reads weight -30 fall 2 rise 1, and a track_script with and without a weight override', () => {
    const plain = parseKeepalivedConfig(SCRIPT + instance('  track_script {\n    chk_nginx\n  }'));
    expect(plain.warnings).toEqual([]);
    expect(plain.scripts.chk_nginx).toMatchObject({ intervalS: 2, weight: -30, fall: 2, rise: 1 });
    expect(only(plain).trackScripts).toEqual([{ name: 'chk_nginx' }]);
    const overridden = parseKeepalivedConfig(SCRIPT + instance('  track_script {\n    chk_nginx weight -60 reverse\n  }'));
    expect(overridden.warnings).toEqual([]);
    expect(only(overridden).trackScripts).toEqual([{ name: 'chk_nginx', weight: -60, reverse: true }]);
  });

  it('tracks several scripts in one block, and reads `weight N reverse` on the script', () => {
    const config = parseKeepalivedConfig(SCRIPT + 'vrrp_script chk_file {\n  script "/usr/bin/test ! -e /tmp/down"\n  weight 10 reverse\n}\n' + instance('  track_script {\n    chk_nginx\n    chk_file weight 5\n  }'));
    expect(config.warnings).toEqual([]);
    expect(config.scripts.chk_file).toMatchObject({ script: '/usr/bin/test ! -e /tmp/down', weight: 10, weightReverse: true });
    expect(only(config).trackScripts).toEqual([{ name: 'chk_nginx' }, { name: 'chk_file', weight: 5 }]);
  });

  it('ignores a track_script naming no vrrp_script, and says when the vrrp_script is only defined further down', () => {
    const missing = parseKeepalivedConfig(instance('  track_script {\n    chk_nginx\n  }'));
    expect(only(missing).trackScripts).toEqual([]);
    expect(missing.warnings.join()).toMatch(/'chk_nginx' names no vrrp_script.*define vrrp_script chk_nginx/);
    const later = parseKeepalivedConfig(instance('  track_script {\n    chk_nginx\n  }') + SCRIPT);
    expect(only(later).trackScripts).toEqual([]);
    expect(later.warnings.join('\n')).toMatch(/defined further down.*move it up/);
  });

  it('clamps a track_script weight of ±254 to ±253 and ignores out-of-range ones and duplicates', () => {
    const config = parseKeepalivedConfig(SCRIPT + instance('  track_script {\n    chk_nginx weight -254\n    chk_nginx weight 5\n  }'));
    expect(only(config).trackScripts).toEqual([{ name: 'chk_nginx', weight: -253 }]);
    expect(config.warnings.join('\n')).toMatch(/weight -254 is out of range; keepalived uses -253/);
    expect(config.warnings.join('\n')).toMatch(/listed twice/);
    const outOfRange = parseKeepalivedConfig(SCRIPT + instance('  track_script {\n    chk_nginx weight 300\n  }'));
    expect(only(outOfRange).trackScripts).toEqual([{ name: 'chk_nginx' }]);
    expect(outOfRange.warnings.join()).toMatch(/uses the script's own weight \(-30\)/);
  });

  it('warns that an unquoted script command loses its arguments', () => {
    const config = parseKeepalivedConfig('vrrp_script chk {\n  script killall -0 nginx\n}\n' + instance('  track_script {\n    chk\n  }'));
    expect(config.scripts.chk?.script).toBe('killall');
    expect(warningsAt(config, 2).join()).toMatch(/runs only 'killall'.*script "killall -0 nginx"/);
  });

  it('drops a vrrp_script without a script line, and one defined twice keeps the first', () => {
    const empty = parseKeepalivedConfig('vrrp_script chk {\n  interval 2\n}\n');
    expect(empty.scripts).toEqual({});
    expect(empty.warnings.join()).toMatch(/no 'script' line, so keepalived drops it/);
    const twice = parseKeepalivedConfig('vrrp_script chk {\n  script /bin/true\n}\nvrrp_script chk {\n  script /bin/false\n}\n' + instance('  track_script {\n    chk\n  }'));
    expect(twice.scripts.chk?.script).toBe('/bin/true');
    expect(twice.warnings.join()).toMatch(/defined twice/);
  });

  it('rejects what keepalived rejects in a vrrp_script: fractional interval, weight beyond ±253, fall 0', () => {
    const config = parseKeepalivedConfig('vrrp_script chk {\n  script /bin/true\n  interval 0.1\n  weight -300\n  fall 0\n  intreval 2\n}\n' + instance('  track_script {\n    chk\n  }'));
    expect(config.scripts.chk).toMatchObject({ intervalS: 1, weight: 0, fall: 1 });
    expect(warningsAt(config, 3).join()).toMatch(/interval must be a whole number/);
    expect(warningsAt(config, 4).join()).toMatch(/weight must be a whole number from -253 to 253/);
    expect(warningsAt(config, 5).join()).toMatch(/fall must be a whole number of at least 1/);
    expect(warningsAt(config, 6).join()).toMatch(/unknown keyword 'intreval'.*Did you mean 'interval'\?/);
  });

  it('ignores tracked-script weights on an address owner (priority 255), as keepalived does', () => {
    const config = parseKeepalivedConfig(SCRIPT + instance('  priority 255\n  track_script {\n    chk_nginx\n  }'));
    expect(only(config).trackScripts).toEqual([]);
    expect(config.warnings.join('\n')).toMatch(/priority 255 \(address owner\), so keepalived ignores the weights of chk_nginx/);
    expect(config.warnings.join('\n')).toMatch(/chk_nginx is not used/);
  });
});

describe('parseKeepalivedConfig: authentication', () => {
  it('keeps a long auth_pass whole and exposes the 8 characters keepalived checks', () => {
    const config = parseKeepalivedConfig(instance('  authentication {\n    auth_type PASS\n    auth_pass "s3cret-and-longer"\n  }'));
    expect(only(config)).toMatchObject({ authType: 'PASS', authPass: 's3cret-and-longer', authPassEffective: 's3cret-a' });
    expect(config.warnings.join()).toMatch(/only the first 8 characters of auth_pass \('s3cret-a'\)/);
  });

  it('uses no authentication without auth_type, or under VRRPv3', () => {
    const noType = parseKeepalivedConfig(instance('  authentication {\n    auth_pass kalab123\n  }'));
    expect(only(noType).authPassEffective).toBeUndefined();
    expect(noType.warnings.join()).toMatch(/auth_pass without auth_type/);
    const v3 = parseKeepalivedConfig(instance('  version 3\n  authentication {\n    auth_type PASS\n    auth_pass kalab123\n  }'));
    expect(only(v3).authPassEffective).toBeUndefined();
    expect(v3.warnings.join()).toMatch(/VRRPv3 has no authentication/);
  });

  it('rejects auth_type in lower case', () => {
    const config = parseKeepalivedConfig(instance('  authentication {\n    auth_type pass\n    auth_pass kalab123\n  }'));
    expect(only(config).authType).toBeUndefined();
    expect(config.warnings.join('\n')).toMatch(/auth_type must be PASS or AH in capitals/);
  });
});

describe('parseKeepalivedConfig: virtual_ipaddress and unicast', () => {
  it('keeps the address part of `/24 dev eth0 label eth0:1` entries', () => {
    const config = parseKeepalivedConfig(
      'vrrp_instance VI_1 {\n  virtual_router_id 1\n  virtual_ipaddress {\n    192.168.126.100/24 dev eth0 label eth0:1\n    10.88.1.101/32 brd 10.88.1.255 dev eth0 scope global\n    10.88.1.102\n  }\n}\n',
    );
    expect(config.warnings).toEqual([]);
    expect(only(config).virtualIpAddresses).toEqual(['192.168.126.100', '10.88.1.101', '10.88.1.102']);
  });

  it('rejects entries that are not addresses (the tutorial placeholder a.b.c.d)', () => {
    const config = parseKeepalivedConfig('vrrp_instance VI_1 {\n  virtual_router_id 1\n  virtual_ipaddress {\n    a.b.c.d\n    10.88.1.100/24\n  }\n}\n');
    expect(only(config).virtualIpAddresses).toEqual(['10.88.1.100']);
    expect(warningsAt(config, 4).join()).toMatch(/'a\.b\.c\.d' in virtual_ipaddress is not an IP address/);
  });

  it('reads unicast_src_ip and several unicast peers; an empty unicast_peer falls back to multicast', () => {
    const config = parseKeepalivedConfig(instance('  unicast_src_ip 10.88.4.11\n  unicast_peer {\n    10.88.4.12\n    10.88.4.13 min_ttl 1\n  }'));
    expect(config.warnings).toEqual([]);
    expect(only(config)).toMatchObject({ unicastSrcIp: '10.88.4.11', unicastPeers: ['10.88.4.12', '10.88.4.13'] });
    const empty = parseKeepalivedConfig(instance('  unicast_peer {\n  }'));
    expect(empty.warnings.join()).toMatch(/unicast_peer lists no address, so keepalived falls back to multicast/);
  });

  it('warns about the same virtual_router_id twice on one interface', () => {
    const config = parseKeepalivedConfig(instance('', 'VI_1') + instance('', 'VI_2'));
    expect(config.instances.map((i) => i.name)).toEqual(['VI_1', 'VI_2']);
    expect(config.warnings.join()).toMatch(/VI_2 uses virtual_router_id 51 like VI_1/);
  });

  it('skips a second vrrp_instance with the same name', () => {
    const config = parseKeepalivedConfig(instance('  priority 90') + instance('  priority 10'));
    expect(only(config).priority).toBe(90);
    expect(config.warnings.join()).toMatch(/already defined/);
  });
});

describe('parseKeepalivedConfig: preemption', () => {
  it('keeps nopreempt and preempt_delay on a BACKUP (preempt_delay may be fractional)', () => {
    expect(only(parseKeepalivedConfig(instance('  nopreempt')))).toMatchObject({ nopreempt: true, preemptDelayS: 0 });
    const delayed = parseKeepalivedConfig(instance('  preempt_delay 4.5'));
    expect(delayed.warnings).toEqual([]);
    expect(only(delayed)).toMatchObject({ nopreempt: false, preemptDelayS: 4.5 });
  });

  it('`preempt` after nopreempt turns preemption back on', () => {
    const undone = only(parseKeepalivedConfig(instance('  nopreempt\n  preempt')));
    expect(undone).toMatchObject({ nopreempt: false, nopreemptWritten: false });
  });

  it('clears nopreempt and preempt_delay with state MASTER, and preempt_delay with nopreempt', () => {
    const master = parseKeepalivedConfig(instance('  state MASTER\n  priority 100\n  nopreempt\n  preempt_delay 10'));
    expect(only(master)).toMatchObject({ state: 'MASTER', nopreempt: false, nopreemptWritten: true, preemptDelayS: 0 });
    expect(master.warnings.join('\n')).toMatch(/nopreempt does not work with state MASTER/);
    const both = parseKeepalivedConfig(instance('  nopreempt\n  preempt_delay 10'));
    expect(only(both)).toMatchObject({ nopreempt: true, preemptDelayS: 0 });
    expect(both.warnings.join()).toMatch(/preempt_delay has no effect with nopreempt/);
  });
});

describe('parseKeepalivedConfig: advert_int', () => {
  it('keeps a fractional advert_int with VRRPv3 and rounds it to centiseconds', () => {
    expect(only(parseKeepalivedConfig(instance('  version 3\n  advert_int 0.5'))).advertIntS).toBe(0.5);
    const rounded = parseKeepalivedConfig(instance('  version 3\n  advert_int 0.555'));
    expect(only(rounded).advertIntS).toBe(0.56);
    expect(rounded.warnings.join()).toMatch(/units of 10 ms.*keepalived uses advert_int 0.56 instead of 0.555/);
  });

  it('rounds a fractional advert_int to whole seconds with VRRPv2, never below 1', () => {
    const half = parseKeepalivedConfig(instance('  advert_int 0.5'));
    expect(only(half).advertIntS).toBe(1);
    expect(half.warnings.join()).toMatch(/VRRPv2 advertises whole seconds.*uses advert_int 1 instead of 0.5/);
    expect(only(parseKeepalivedConfig(instance('  advert_int 2.5'))).advertIntS).toBe(3);
    expect(only(parseKeepalivedConfig(instance('  advert_int 0.4'))).advertIntS).toBe(1);
  });

  it('ignores an advert_int keepalived cannot read, keeping the default', () => {
    const config = parseKeepalivedConfig(instance('  advert_int 1s'));
    expect(only(config).advertIntS).toBe(1);
    expect(config.warnings.join()).toMatch(/advert_int must be a number of seconds/);
  });
});

describe('parseKeepalivedConfig: vrrp_strict', () => {
  it('sets strict mode for every instance; strict_mode in an instance overrides it', () => {
    const config = parseKeepalivedConfig('global_defs {\n  vrrp_strict\n}\n' + instance('', 'A') + instance('  virtual_router_id 52\n  strict_mode off', 'B'));
    expect(config.global.vrrpStrict).toBe(true);
    expect(config.instances.map((i) => i.strictMode)).toEqual([true, false]);
  });

  it('says strict mode refuses unicast peers', () => {
    const config = parseKeepalivedConfig('global_defs {\n  vrrp_strict\n}\n' + instance('  unicast_peer {\n    10.88.4.12\n  }'));
    expect(config.warnings.join()).toMatch(/strict mode.*does not allow unicast peers/);
  });

  it('flags vrrp_strict written inside a vrrp_instance', () => {
    const config = parseKeepalivedConfig(instance('  vrrp_strict'));
    expect(only(config).strictMode).toBe(false);
    expect(config.warnings.join()).toMatch(/'vrrp_strict' is not valid in vrrp_instance VI_1; it belongs in global_defs/);
  });
});

describe('parseKeepalivedConfig: notify', () => {
  it('keeps a quoted command with its argument, unquoted', () => {
    const config = parseKeepalivedConfig(instance('  notify_master "/etc/keepalived/notify.sh master"\n  notify_fault \'/etc/keepalived/notify.sh fault\'\n  notify_stop /etc/keepalived/stop.sh\n  notify /etc/keepalived/any.sh'));
    expect(config.warnings).toEqual([]);
    expect(only(config).notify).toEqual({ master: '/etc/keepalived/notify.sh master', fault: '/etc/keepalived/notify.sh fault', stop: '/etc/keepalived/stop.sh', any: '/etc/keepalived/any.sh' });
  });

  it('drops an unquoted command with an argument, which keepalived reads as a user name', () => {
    const config = parseKeepalivedConfig(instance('  notify_master /etc/keepalived/notify.sh master'));
    expect(only(config).notify).toEqual({});
    expect(config.warnings.join()).toMatch(/run as user 'master'.*notify_master "\/etc\/keepalived\/notify.sh master"/);
  });

  it('accepts an unquoted command followed by a real user', () => {
    const config = parseKeepalivedConfig(instance('  notify_backup /etc/keepalived/notify.sh root'));
    expect(config.warnings).toEqual([]);
    expect(only(config).notify).toEqual({ backup: '/etc/keepalived/notify.sh' });
  });

  it('keeps the first of two notify_master lines', () => {
    const config = parseKeepalivedConfig(instance('  notify_master "/a.sh"\n  notify_master "/b.sh"'));
    expect(only(config).notify.master).toBe('/a.sh');
    expect(config.warnings.join()).toMatch(/set twice; keepalived keeps the first/);
  });
});

describe('parseKeepalivedConfig: values keepalived rejects', () => {
  it('state in lower case is read as BACKUP; MASTER then BACKUP stays MASTER', () => {
    const lower = parseKeepalivedConfig(instance('  state master').replace('  state BACKUP\n', ''));
    expect(only(lower).state).toBe('BACKUP');
    expect(lower.warnings.join()).toMatch(/state must be MASTER or BACKUP in capitals/);
    const twice = parseKeepalivedConfig(instance('  state MASTER\n  priority 100').replace('  state BACKUP\n', '') .replace('priority 100', 'priority 100\n  state BACKUP'));
    expect(only(twice).state).toBe('MASTER');
  });

  it('an invalid priority becomes 100, not the address-owner default', () => {
    const config = parseKeepalivedConfig(instance('  state MASTER\n  priority 300').replace('  state BACKUP\n', ''));
    expect(only(config).priority).toBe(100);
    expect(config.warnings.join()).toMatch(/priority must be a whole number from 1 to 255; keepalived uses 100 instead of '300'/);
  });

  it('virtual_router_id must be 1-255', () => {
    const config = parseKeepalivedConfig(instance('').replace('virtual_router_id 51', 'virtual_router_id 0'));
    expect(only(config).virtualRouterId).toBeUndefined();
    expect(config.warnings.join('\n')).toMatch(/virtual_router_id must be a whole number from 1 to 255/);
    expect(config.warnings.join('\n')).toMatch(/has no virtual_router_id; keepalived refuses to run it/);
  });

  it('a keyword written without its value stops keepalived', () => {
    const config = parseKeepalivedConfig(instance('  priority\n  advert_int'));
    expect(only(config).priority).toBe(100);
    expect(config.warnings.filter((w) => /needs a value; without one keepalived stops/.test(w))).toHaveLength(2);
  });

  it('points a keyword to the block it belongs in', () => {
    const config = parseKeepalivedConfig('router_id lb1\nglobal_defs {\n  priority 100\n}\n' + instance('  auth_pass secret'));
    expect(config.global.routerId).toBeUndefined();
    expect(warningsAt(config, 1).join()).toMatch(/'router_id' belongs inside a global_defs block but is outside any block/);
    expect(warningsAt(config, 3).join()).toMatch(/'priority' is not valid in global_defs; it belongs in vrrp_instance/);
    expect(config.warnings.join('\n')).toMatch(/'auth_pass' is not valid in vrrp_instance VI_1; it belongs in authentication/);
  });

  it('warns about parameter definitions it does not expand', () => {
    const config = parseKeepalivedConfig('$VIP=10.88.1.100\n' + instance(''));
    expect(warningsAt(config, 1).join()).toMatch(/parameter definitions.*not evaluated/);
  });
});
