/**
 * Getting jftrace into a JVM: {@code -javaagent:jftrace-agent.jar} ({@link org.jftrace.agent.JftraceAgent#premain}),
 * by pid from outside ({@link org.jftrace.agent.Attach}, {@code java -jar jftrace-agent.jar PID [command]}),
 * or from inside a running program ({@link org.jftrace.agent.JftraceAgent#install()}).
 */
package org.jftrace.agent;
