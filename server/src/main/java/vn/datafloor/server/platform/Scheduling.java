package vn.datafloor.server.platform;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The schedulers ({@code @Scheduled}: checkpoints, the outbox's retry, billing, auctions, harvests,
 * pipeline schedules, privacy deadlines, the access index…) run in the one process that writes, never on
 * an API replica ({@link ClusterNode}): each of them changes shared state, and two copies would race or
 * double the work. A replica refreshes its catalog index itself (catalog's {@code ReplicaIndexRefresh}).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnExpression("!'${datafloor.node.role:single}'.trim().equalsIgnoreCase('api')")
class Scheduling {}
