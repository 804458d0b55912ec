<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS 2.0 or Atom 1.0 feed of the site as a readable French page when a partner opens
     it in a browser. Feed readers ignore it. XSLT 1.0 (what browsers run).
     The feeds' texts come typeset (site_core.feeds); this file's own text has its no-break
     spaces typed as &#160; (before « : », in dates) and &#8239; (before « ; », inside « »). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="months"
      select="'01janvier|02février|03mars|04avril|05mai|06juin|07juillet|08août|09septembre|10octobre|11novembre|12décembre|'"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <xsl:variable name="format">
      <xsl:choose>
        <xsl:when test="rss">RSS</xsl:when>
        <xsl:otherwise>Atom</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="site" select="rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href"/>
    <html lang="fr">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> (flux <xsl:value-of select="$format"/>)</title>
        <link rel="stylesheet" href="{concat($site, substring('/', 1 + number(substring($site, string-length($site)) = '/')), 'theme/feeds/flux.css')}"/>
      </head>
      <body>
        <header>
          <div class="wrap">
            <p>Flux d’actualité (<xsl:value-of select="$format"/>)</p>
            <h1><xsl:value-of select="$title"/></h1>
          </div>
        </header>
        <main class="wrap">
          <div class="notice">
            <p><strong>Vous consultez un flux d’actualité.</strong> Pour être averti des nouvelles
              publications, copiez l’adresse de cette page dans votre lecteur de flux ou votre
              messagerie (fonction «&#8239;Ajouter un flux&#8239;»). Vous pouvez aussi garder cette page dans
              vos favoris&#160;: elle présente les publications les plus récentes.</p>
            <p><a href="{$site}">Aller sur le site</a></p>
          </div>
          <xsl:variable name="count" select="count(rss/channel/item | atom:feed/atom:entry)"/>
          <xsl:choose>
            <xsl:when test="$count = 0"><p>Aucune publication pour l’instant.</p></xsl:when>
            <xsl:when test="$count = 1"><p>1 publication, la plus récente en premier.</p></xsl:when>
            <xsl:otherwise><p><xsl:value-of select="$count"/> publications, les plus récentes en premier.</p></xsl:otherwise>
          </xsl:choose>
          <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="item">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="authors" select="dc:creator"/>
      <xsl:with-param name="summary" select="description"/>
      <xsl:with-param name="date">
        <!-- RFC 822 as feedgen writes it: "Mon, 10 Jan 2022 09:00:00 +0100" -->
        <xsl:call-template name="french-date">
          <xsl:with-param name="day" select="substring(pubDate, 6, 2)"/>
          <xsl:with-param name="month" select="format-number(string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', substring(pubDate, 9, 3))) div 3 + 1, '00')"/>
          <xsl:with-param name="year" select="substring(pubDate, 13, 4)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:call-template name="item">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link" select="atom:link[not(@rel) or @rel='alternate']/@href"/>
      <xsl:with-param name="authors" select="atom:author/atom:name"/>
      <xsl:with-param name="summary" select="atom:summary"/>
      <xsl:with-param name="date">
        <!-- RFC 3339: "2022-01-10T09:00:00+01:00" -->
        <xsl:call-template name="french-date">
          <xsl:with-param name="day" select="substring(atom:published, 9, 2)"/>
          <xsl:with-param name="month" select="substring(atom:published, 6, 2)"/>
          <xsl:with-param name="year" select="substring(atom:published, 1, 4)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="item">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="authors"/>
    <xsl:param name="summary"/>
    <xsl:param name="date"/>
    <article>
      <h2><a href="{$link}"><xsl:value-of select="$title"/></a></h2>
      <p class="meta">
        <xsl:text>Publié le </xsl:text><xsl:value-of select="$date"/>
        <xsl:for-each select="$authors">
          <xsl:choose>
            <xsl:when test="position() = 1"> — </xsl:when>
            <xsl:otherwise>&#8239;; </xsl:otherwise>
          </xsl:choose>
          <xsl:value-of select="."/>
        </xsl:for-each>
      </p>
      <!-- The summary is escaped plain text written by the feeds plugin. -->
      <p><xsl:value-of select="$summary" disable-output-escaping="yes"/></p>
    </article>
  </xsl:template>

  <xsl:template name="french-date">
    <xsl:param name="day"/>
    <xsl:param name="month"/>
    <xsl:param name="year"/>
    <xsl:choose>
      <xsl:when test="number($day) = 1">1er</xsl:when>
      <xsl:otherwise><xsl:value-of select="number($day)"/></xsl:otherwise>
    </xsl:choose>
    <xsl:text>&#160;</xsl:text>
    <xsl:value-of select="substring-before(substring-after($months, $month), '|')"/>
    <xsl:text>&#160;</xsl:text>
    <xsl:value-of select="$year"/>
  </xsl:template>
</xsl:stylesheet>
