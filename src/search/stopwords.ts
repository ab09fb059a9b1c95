/** Words with no retrieval signal in agent queries or API prose ("call", "method" stay: APIs have those). */

export const STOPWORDS: ReadonlySet<string> = new Set(
  `a an the to of for in on at by with from into onto over under about via per as than then so
   and or but nor if else when where while which who whom whose what why how
   i me my mine myself we us our ours you your yours he she it its they them their this that these those
   is are was were be been being am do does did done doing has have had having can could should would
   will shall may might must please want wanna need needs like let lets just also some any there here
   way thing things something able try trying going tell using use used
   api apis endpoint endpoints`
    .split(/\s+/)
    .filter(Boolean),
);
