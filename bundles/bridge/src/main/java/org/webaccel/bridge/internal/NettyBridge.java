package org.webaccel.bridge.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.api.transport.WorkerEndpoint;

/**
 * The bridge on Netty: one event loop serves the runtime files, model bytes and every worker WebSocket.
 * See docs/architecture.md for why Netty rather than the HTTP whiteboard.
 */
@Component(service = WorkerBridge.class, configurationPid = "org.webaccel.bridge")
@Designate(ocd = BridgeConfig.class)
public final class NettyBridge implements WorkerBridge {
    private static final Logger LOG = System.getLogger(NettyBridge.class.getName());

    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final Channel server;
    private final WorkerSockets sockets;
    private final URI base;
    private final int wasmThreads;
    private final boolean faultInjection;

    /**
     * Starts the server.
     *
     * @param config bind address, port and limits
     * @param models the repository whose model files the server serves
     * @throws InterruptedException when interrupted while binding
     */
    @Activate
    public NettyBridge(BridgeConfig config, @Reference ModelRepository models) throws InterruptedException {
        ObjectMapper json = new ObjectMapper();
        int maxFrame = config.maxFrameBytes();
        FrameCodec codec = new FrameCodec(json, maxFrame);
        this.sockets = new WorkerSockets(codec, json, maxFrame, Math.max(50, config.heartbeatIntervalMillis()),
                Math.max(100, config.heartbeatTimeoutMillis()));
        this.faultInjection = config.faultInjection();
        this.wasmThreads = Math.max(1, config.wasmThreads());
        RuntimeFiles runtime = new RuntimeFiles(NettyBridge.class.getClassLoader());
        this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("webaccel-bridge-accept", true));
        this.io = new NioEventLoopGroup(2, new DefaultThreadFactory("webaccel-bridge-io", true));
        ServerBootstrap b = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new HttpHandler(runtime, models, sockets));
                    }
                });
        try {
            this.server = b.bind(config.bindAddress(), config.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            io.shutdownGracefully();
            throw e;
        }
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        String host = config.advertisedHost().isBlank() ? config.bindAddress() : config.advertisedHost();
        this.base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/");
        LOG.log(Level.INFO, "bridge serving worker pages at " + base);
    }

    @Override
    public URI baseUri() {
        return base;
    }

    @Override
    public WorkerEndpoint openEndpoint(String workerId) {
        return sockets.issue(workerId, base, wasmThreads);
    }

    @Override
    public void injectFault(String workerId, Fault fault) {
        if (!faultInjection) {
            throw new IllegalStateException("fault injection is off; set faultInjection=true in the "
                    + "org.webaccel.bridge configuration to allow it");
        }
        PageSocket page = sockets.connected(workerId).orElseThrow(() -> new IllegalArgumentException(
                "no page of worker '" + workerId + "' is connected"));
        LOG.log(Level.WARNING, "injecting fault " + fault + " into worker " + workerId);
        page.injectFault(fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    /** Closes every page connection, then the server. */
    @Deactivate
    public void stop() {
        sockets.closeAll("bridge stopping");
        server.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        io.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
